"""One bad file never stops a batch: broken, hostile and odd inputs, alone and in a folder.

Every bad file is built here (``bad_inputs.py``), small enough to keep the tests fast; the
zip bomb at real size (1 MB → 300 MB of XML) is measured by ``bench/bad_files.py``.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import bad_inputs as bad
import pandas as pd
import pytest
from conftest import ingest

from nlp_jtbd.ingest import IngestOptions, ingest_to_file, limits
from nlp_jtbd.ingest.sentences import bounded_pieces, split_sentences


def only_error(ingestor) -> object:
    errors = [p for p in ingestor.report_.problems if p.severity == "error"]
    assert len(errors) == 1, [p.render() for p in ingestor.report_.problems]
    assert ingestor.report_.files_failed == 1
    assert errors[0].fix, errors[0].render()
    return errors[0]


def read_alone(write, name: str, content: bytes):
    """Ingest one file; return its single error (the ingestion itself must not raise)."""
    rows, ingestor = ingest(write(name, content))
    assert rows.empty
    return only_error(ingestor)


# -- DOCX: package structure --------------------------------------------------------------------
def test_a_docx_whose_content_types_have_no_overrides_is_that_files_error(write) -> None:
    error = read_alone(write, "a.docx", bad.content_types_without_overrides_docx())
    assert "[Content_Types].xml" in error.message and "word/document.xml" in error.message
    assert "Word or LibreOffice" in error.fix


def test_a_docx_with_broken_content_types_xml_names_the_part_and_line(write) -> None:
    error = read_alone(write, "a.docx", bad.broken_content_types_docx())
    assert "'[Content_Types].xml' is not well-formed XML" in error.message
    assert error.loc == "'[Content_Types].xml', line 1"


def test_a_docx_with_broken_document_xml_is_that_files_error(write) -> None:
    error = read_alone(write, "a.docx", bad.broken_xml_docx())
    assert "'word/document.xml' is not well-formed XML (Opening and ending tag" in error.message
    assert error.loc == "'word/document.xml', line 1"


def test_a_docx_without_its_main_document_part_says_which_part_is_missing(write) -> None:
    error = read_alone(write, "a.docx", bad.missing_document_docx())
    assert "main document part 'word/document.xml' is missing" in error.message


def test_a_truncated_docx_is_a_damaged_archive(write) -> None:
    data = bad.docx_bytes()
    error = read_alone(write, "a.docx", data[: len(data) // 2])
    assert "damaged or cut off" in error.message


# -- DOCX/XLSX: hard limits ---------------------------------------------------------------------
def test_a_billion_laughs_docx_is_refused_before_parsing(write) -> None:
    started = time.perf_counter()
    error = read_alone(write, "a.docx", bad.billion_laughs_docx())
    assert "declares a DTD or entities" in error.message and "billion laughs" in error.message
    assert time.perf_counter() - started < 10  # refused, not expanded


def test_a_docx_zip_bomb_is_refused_with_its_ratio_and_the_limit(write) -> None:
    error = read_alone(write, "bomb.docx", bad.zip_bomb_docx(xml_mb=8))
    assert "zip bomb" in error.message and "word/document.xml" in error.message
    assert f"the limit is {limits.MAX_COMPRESSION_RATIO} times" in error.message
    assert re.search(r"inflates \d{3} times \([\d.]+ KB → 8\.\d MB\)", error.message)


def test_a_docx_part_over_the_size_limit_is_refused_with_the_size_found_and_the_limit(
    write,
) -> None:
    claims = bad.claimed_size_docx(200 * 2**20, compressed=100 * 2**20)  # an honest-looking 2:1
    error = read_alone(write, "a.docx", claims)
    assert "'word/document.xml' decompresses to 200.0 MB" in error.message
    assert "the limit for one part of a Word document is 64.0 MB" in error.message


def test_a_docx_that_claims_gigabytes_from_kilobytes_is_a_zip_bomb(write) -> None:
    error = read_alone(write, "a.docx", bad.claimed_size_docx(3_000_000_000))
    assert "→ 2.8 GB); the limit is 100 times: this is a zip bomb" in error.message


def test_all_parts_together_are_held_to_a_total(write, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ZIP_TOTAL_BYTES", 100_000)
    error = read_alone(write, "a.docx", bad.docx_bytes())
    assert "in all; the limit is 97.7 KB" in error.message


def test_too_many_parts_is_refused(write, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ZIP_MEMBERS", 50)
    error = read_alone(write, "a.docx", bad.many_members_docx(60))
    assert "parts; the limit is 50" in error.message


def test_an_ordinary_docx_passes_the_limits(write) -> None:
    rows, ingestor = ingest(write("a.docx", bad.docx_bytes()))
    assert not ingestor.report_.files_failed
    assert "The import took a weekend." in set(rows.text)


@pytest.mark.parametrize(
    ("builder", "words"),
    [
        (bad.malformed_xlsx, "XMLSyntaxError"),
        (bad.truncated_xlsx, "damaged or cut off"),
        (
            lambda: bad.replace_member(
                bad.xlsx_bytes([("1", "x")]),
                "xl/styles.xml",
                b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><styleSheet/>',
            ),
            "declares a DTD",
        ),
    ],
    ids=["broken-xml", "truncated", "entities"],
)
def test_a_malformed_xlsx_is_that_files_error(write, builder, words: str) -> None:
    error = read_alone(write, "reviews.xlsx", builder())
    assert words in error.message
    assert "Excel or LibreOffice" in error.fix


# -- JSON ---------------------------------------------------------------------------------------
def test_deeply_nested_json_is_that_files_error(write) -> None:
    error = read_alone(write, "deep.json", bad.deep_json(100_000))
    assert "nest" in error.message


# -- encodings ----------------------------------------------------------------------------------
RU = (
    "Интервьюер: Почему вы сменили поставщика?\nРеспондент: Старый поставщик дважды сорвал сроки.\n"
)
EN = "Interviewer: Why did you switch?\nRespondent: The old provider lost our orders.\n"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", [RU, EN], ids=["ru", "en"])
def test_utf16_without_bom_is_read_not_rejected(write, text: str, encoding: str) -> None:
    rows, ingestor = ingest(write("a.txt", text.encode(encoding)))
    assert not ingestor.report_.files_failed, ingestor.report_.problems
    last = text.splitlines()[1].split(": ", 1)[1]
    assert last in set(rows.text)
    assert set(rows.role) == {"interviewer", "respondent"}


def test_legacy_code_pages_are_still_read(write) -> None:
    tr = "Görüşmeci: Neden değiştirdiniz?\nKatılımcı: Eski sağlayıcı çok yavaştı, şikâyet ettik.\n"
    rows, _ = ingest(write("ru.txt", RU.encode("cp1251")), write("tr.txt", tr.encode("cp1254")))
    assert "Старый поставщик дважды сорвал сроки." in set(rows.text)
    assert "Eski sağlayıcı çok yavaştı, şikâyet ettik." in set(rows.text)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (bad.random_bytes_without_nul(), "binary"),
        (bytes(b | 0x80 for b in bad.random_bytes_without_nul()), "no known code page"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(range(1, 200)), "JPEG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF document"),
        (bad.zip_of({"photos/1.bin": b"x" * 1000}), "ZIP archive"),
        (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", "MP4"),
    ],
    ids=["random", "random-high-bytes", "jpeg", "pdf", "zip", "mp4"],
)
def test_binary_renamed_txt_is_rejected_as_binary(write, content: bytes, words: str) -> None:
    error = read_alone(write, "notes.txt", content)
    assert words in error.message


# -- over-long text -----------------------------------------------------------------------------
def test_an_unpunctuated_sentence_is_cut_into_bounded_pieces_at_commas_or_spaces() -> None:
    text = "we kept the spreadsheet, " * 40 + "and nobody liked it " * 100 + "x" * 2500
    spans = split_sentences(text, "en", limit=1000)
    assert all(b - a <= 1000 for a, b in spans)
    assert text[spans[0][0] : spans[0][1]].endswith(",")  # at a comma where there is one
    assert text[spans[1][0] : spans[1][1]].endswith("it")  # else at a space
    assert "".join(text[a:b] for a, b in spans).replace(" ", "") == text.replace(" ", "")
    assert bounded_pieces("short", 0, 5, 1000) == [(0, 5)]


def test_a_long_unpunctuated_line_becomes_bounded_utterances_and_a_warning(write) -> None:
    path = write("dictation.txt", b"Interviewer: Why?\n" + bad.unpunctuated_line(300_000))
    rows, ingestor = ingest(path)
    pieces = rows[rows.role == "respondent"]
    assert pieces.text.str.len().max() <= limits.MAX_UTTERANCE_CHARS
    assert len(pieces) >= 300_000 // limits.MAX_UTTERANCE_CHARS
    [warning] = [p for p in ingestor.report_.problems if "without a sentence end" in p.message]
    assert warning.loc == "line 2" and "300,000 characters" in warning.message


def test_the_first_three_long_stretches_are_named_and_the_rest_summed_up(write) -> None:
    answer = "and then we waited for the courier again " * 60
    text = "".join(f"Interviewer: Why {i}?\nRespondent: {answer}\n" for i in range(5))
    rows, ingestor = ingest(write("a.docx", bad.docx_bytes(text.splitlines())))
    notes = [p for p in ingestor.report_.problems if "sentence end (from" in p.message]
    assert [p.loc for p in notes] == ["line 2", "line 4", "line 6"]
    [summary] = [p for p in ingestor.report_.problems if "more stretches" in p.message]
    assert summary.message.startswith("2 more stretches without a sentence end")
    assert rows.text.str.len().max() <= limits.MAX_UTTERANCE_CHARS


# -- a bug in a reader --------------------------------------------------------------------------
def test_an_unexpected_exception_is_that_files_error_saying_it_is_a_bug(
    write, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nlp_jtbd.ingest import pipeline

    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.delenv("JTBD_DEBUG", raising=False)
    monkeypatch.setattr(pipeline, "docx_text", broken)
    good = write("good.txt", EN)
    rows, ingestor = ingest(write("a.docx", bad.docx_bytes()), good)
    error = only_error(ingestor)
    assert "ZeroDivisionError" in error.message and "bug in nlp_jtbd" in error.fix
    assert set(rows.source_path) == {str(good)}


# -- everything together ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], dict]:
    """Good files next to every bad file of the issue (and a 10 MB unpunctuated line)."""
    root = tmp_path_factory.mktemp("mixed")
    good = bad.write_good_files(root)
    expected = bad.write_bad_files(root, bomb_mb=8, long_line_mb=10)
    return root, good, expected


def _check_report(problems: list, expected: dict[str, str]) -> None:
    errors = {Path(p.path).name: p for p in problems if p.severity == "error"}
    failing = {name for name, words in expected.items() if words}
    assert set(errors) == failing
    for name in failing:
        assert expected[name].lower() in errors[name].message.lower(), errors[name].render()
        assert errors[name].fix


def test_jtbd_ingest_writes_every_good_file_reports_every_bad_one_and_exits_1(
    cli, mixed_folder, tmp_path: Path
) -> None:
    root, good, expected = mixed_folder
    out = tmp_path / "out.parquet"
    code, _, stderr = cli("ingest", root, "--out", out)
    assert code == 1
    assert "internal error" not in stderr and "Traceback" not in stderr
    frame = pd.read_parquet(out)
    read = {Path(p).name for p in frame.source_path.unique()}
    assert set(good) | {"utf16le_no_bom.txt", "long_line.txt"} == read
    for name, words in expected.items():
        if words:
            assert name in stderr
    assert stderr.count("how to fix") >= sum(1 for w in expected.values() if w)
    long = frame[frame.source_path.str.endswith("long_line.txt")]
    assert long.text.str.len().max() <= limits.MAX_UTTERANCE_CHARS
    assert "Старый поставщик дважды сорвал сроки." in set(frame.text)


def test_ingest_to_file_as_analyze_uses_it_reports_the_same(mixed_folder, tmp_path: Path) -> None:
    root, good, expected = mixed_folder
    report = ingest_to_file([root], tmp_path / "u.csv", IngestOptions())
    assert report.files_failed == sum(1 for w in expected.values() if w)
    assert not report.ok
    _check_report(report.problems, expected)
    frame = pd.read_csv(tmp_path / "u.csv")
    assert {Path(p).name for p in frame.source_path.unique()} >= set(good)
