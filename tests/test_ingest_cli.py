"""`jtbd ingest` end to end: folders, bad input, output formats, stable ids, exit codes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from conftest import EXAMPLES

GOOD = "Interviewer: Why did you switch?\nRespondent: Our old provider failed. We lost orders.\n"


def test_a_folder_with_broken_files_processes_the_good_ones_and_exits_1(
    write, cli, tmp_path: Path
) -> None:
    write("batch/good.txt", GOOD)
    write("batch/nested/good_ru.txt", "Интервьюер: Почему?\nРеспондент: Потому что дорого.\n")
    write("batch/empty.txt", "")
    write("batch/image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    write("batch/bad.json", '{"segments": [')
    write("batch/notes.pdf", b"%PDF-1.4 ...")
    write(
        "batch/cp1251.txt",
        "Интервьюер: Как дела?\nРеспондент: Хорошо, т.е. нормально.\n",
        encoding="cp1251",
    )
    write("batch/utf16.txt", "Interviewer: Hi?\nRespondent: Hello there.\n", encoding="utf-16")
    out = tmp_path / "out.parquet"
    code, stdout, stderr = cli("ingest", tmp_path / "batch", "--out", out)
    assert code == 1
    assert "Traceback" not in stderr
    for name, words in [
        ("empty.txt", "empty"), ("image.txt", "PNG"), ("bad.json", "malformed JSON"), ("notes.pdf", "unknown file type"),
    ]:  # fmt: skip
        assert name in stderr and words in stderr
    assert "how to fix" in stderr
    frame = pd.read_parquet(out)
    assert sorted(Path(p).name for p in frame.source_path.unique()) == [
        "cp1251.txt",
        "good.txt",
        "good_ru.txt",
        "utf16.txt",
    ]
    assert "Хорошо, т.е. нормально." in set(frame.text)
    assert "Hello there." in set(frame.text)
    assert "Wrote" in stdout


@pytest.mark.parametrize("suffix", [".parquet", ".csv", ".jsonl"])
def test_output_format_follows_the_suffix_and_ids_are_stable(
    write, cli, tmp_path: Path, suffix: str
) -> None:
    src = write("a.txt", GOOD)
    first, second = tmp_path / f"1{suffix}", tmp_path / f"2{suffix}"
    assert cli("ingest", src, "--out", first)[0] == 0
    assert cli("ingest", src, "--out", second, "--quiet")[0] == 0
    read = {
        ".parquet": pd.read_parquet,
        ".csv": pd.read_csv,
        ".jsonl": lambda p: pd.read_json(p, lines=True),
    }[suffix]
    a, b = read(first), read(second)
    assert list(a.utterance_id) == list(b.utterance_id) and a.utterance_id.is_unique
    required = {
        "utterance_id", "doc_id", "customer_id", "source_type", "speaker", "role", "turn_index",
        "sentence_index", "text", "lang", "start_s", "end_s", "char_start", "char_end",
    }  # fmt: skip
    assert required <= set(a.columns)


def test_identical_files_are_ingested_once(write, cli, tmp_path: Path) -> None:
    write("dup/a.txt", GOOD)
    write("dup/b.txt", GOOD)
    code, _, stderr = cli("ingest", tmp_path / "dup", "--out", tmp_path / "o.csv")
    assert code == 0 and "duplicate" in stderr
    assert pd.read_csv(tmp_path / "o.csv").doc_id.nunique() == 1


def test_usage_errors_are_short_and_actionable(write, cli, tmp_path: Path) -> None:
    src = write("a.txt", GOOD)
    code, _, stderr = cli("ingest", src, "--out", tmp_path / "out.xls")
    assert code == 2 and ".parquet, .csv or .jsonl" in stderr and "Traceback" not in stderr
    code, _, stderr = cli("ingest", tmp_path / "missing", "--out", tmp_path / "o.csv")
    assert code == 2 and "does not exist" in stderr
    code, _, stderr = cli("ingest", src, "--out", tmp_path / "o.csv", "--format", "pdf")
    assert code == 2 and "format" in stderr
    write("only_bad/x.txt", "")
    code, _, stderr = cli("ingest", tmp_path / "only_bad", "--out", tmp_path / "o.csv")
    assert code == 2 and "nothing was written" in stderr and not (tmp_path / "o.csv").exists()


def test_json_report(write, cli, tmp_path: Path) -> None:
    import json

    src = write("a.txt", GOOD)
    code, stdout, _ = cli("ingest", src, "--out", tmp_path / "o.csv", "--json")
    report = json.loads(stdout)
    assert (
        code == 0
        and report["utterances"] == 3
        and report["roles"] == {"interviewer": 1, "respondent": 2}
    )


def test_bundled_examples_ingest_cleanly(cli, tmp_path: Path) -> None:
    out = tmp_path / "utterances.parquet"
    code, _, stderr = cli(
        "ingest", EXAMPLES / "interviews", EXAMPLES / "reviews",
        "--meta", EXAMPLES / "interviews" / "manifest.csv", "--out", out,
    )  # fmt: skip
    assert code == 0, stderr
    frame = pd.read_parquet(out)
    interviews = frame[frame.source_type == "interview"]
    assert interviews.doc_id.nunique() >= 6
    assert set(interviews.lang) == {"ru", "en", "tr"}
    assert interviews.customer_id.notna().all()
    for _, doc in interviews.groupby("doc_id"):
        assert set(doc.role) == {"interviewer", "respondent"}
    reviews = frame[frame.source_type == "review"]
    assert reviews.doc_id.nunique() >= 200


def test_every_command_has_help_with_an_example(cli: Callable[..., tuple[int, str, str]]) -> None:
    from nlp_jtbd.cli import app

    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert {
        "ingest",
        "discover",
        "assign",
        "train",
        "classify",
        "evaluate",
        "cv",
        "suggest",
        "agreement",
        "abcdx",
        "cross",
        "analyze",
        "serve",
        "export",
    } <= set(names)
    for name in names:
        code, stdout, _ = cli(name, "--help")
        assert code == 0, name
        assert "Example" in stdout, f"`jtbd {name} --help` shows no example"
