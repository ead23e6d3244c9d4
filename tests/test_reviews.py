"""Review dumps (CSV, JSONL, XLSX) become one respondent utterance per review sentence."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from conftest import ingest

REVIEWS = [
    ("R1", "C0001", "2025-02-01", "5", "Switched from a cheaper SMS gateway after it went down twice. Now every order notification arrives."),
    ("R2", "C0002", "2025-02-03", "2", "Перешли с Excel, но импорт контактов занял неделю. Поддержка отвечает ок. суток."),
    ("R3", "C0003", "2025-02-04", "4", "Kargo bildirimleri artık zamanında gidiyor. Fiyatı biraz yüksek ama değer."),
    ("R4", "C0002", "2025-02-05", "5", "ok"),
]  # fmt: skip


def _frame() -> pd.DataFrame:
    return pd.DataFrame(REVIEWS, columns=["review_id", "customer_id", "date", "rating", "body"])


def test_csv_reviews_autodetect_columns_split_sentences_and_detect_language_per_row(
    tmp_path: Path,
) -> None:
    path = tmp_path / "reviews.csv"
    _frame().to_csv(path, index=False)
    frame, ingestor = ingest(path)
    first = frame[frame.source_id == "R1"]
    assert list(first.text) == [
        "Switched from a cheaper SMS gateway after it went down twice.",
        "Now every order notification arrives.",
    ]
    assert set(frame.role) == {"respondent"} and set(frame.source_type) == {"review"}
    assert frame.groupby("source_id").lang.first().to_dict() == {
        "R1": "en",
        "R2": "ru",
        "R3": "tr",
        "R4": "und",  # "ok" alone is undecidable in a mixed batch
    }
    assert frame[frame.source_id == "R2"].customer_id.iloc[0] == "C0002"
    assert frame.rating.iloc[0] == "5" and frame.date.iloc[0] == "2025-02-01"
    assert first.source_loc.iloc[0] == "line 2"
    assert not ingestor.report_.problems


def test_semicolon_cp1251_csv_decodes_correctly(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    _frame().to_csv(path, index=False, sep=";", encoding="cp1251", errors="replace")
    frame, _ = ingest(path)
    assert "Перешли с Excel, но импорт контактов занял неделю." in list(frame.text)


def test_utf16_with_bom_csv_decodes_correctly(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    _frame().to_csv(path, index=False, encoding="utf-16", sep="\t")
    frame, _ = ingest(path)
    assert "Kargo bildirimleri artık zamanında gidiyor." in list(frame.text)


def test_mixed_encodings_are_decoded_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    head = "id,text\n1,Всё отлично работает\n".encode()
    legacy = "2,Поддержка отвечает медленно, но решает\n".encode("cp1251")
    path.write_bytes(head + legacy)
    frame, ingestor = ingest(path)
    assert list(frame.text) == ["Всё отлично работает", "Поддержка отвечает медленно, но решает"]
    warning = ingestor.report_.problems[0]
    assert (
        warning.loc == "lines 3" and "cp1251" in warning.message and warning.severity == "warning"
    )


def test_csv_without_a_text_column_names_the_columns_and_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "numbers.csv"
    pd.DataFrame({"id": [1, 2], "score": [3, 4]}).to_csv(path, index=False)
    frame, ingestor = ingest(path)
    assert frame.empty
    error = ingestor.report_.errors[0]
    assert "no column with review text" in error.message
    assert "`text_col`" in (error.fix or "") and "score" in (error.fix or "")


def test_explicit_columns_and_unknown_column_error(tmp_path: Path) -> None:
    path = tmp_path / "forum.csv"
    pd.DataFrame({"post": ["Great tool, we use it daily for reminders."], "who": ["u1"]}).to_csv(
        path, index=False
    )
    frame, _ = ingest(path, text_col="post", customer_col="who")
    assert frame.customer_id.iloc[0] == "u1"
    _, ingestor = ingest(path, text_col="message")
    assert "column 'message'" in ingestor.report_.errors[0].message


def test_empty_rows_duplicate_ids_and_extra_fields_are_reported_not_lost(tmp_path: Path) -> None:
    path = tmp_path / "dump.csv"
    path.write_text(
        "id,text\n1,First review is here.\n2,\n1,Same id again, different text.\n3,Unquoted, comma, text\n",
        encoding="utf-8",
    )
    frame, ingestor = ingest(path)
    assert (
        list(frame.text)
        == ["First review is here.", "Same id again, different text.", "Unquoted,comma, text"]
        or "Unquoted" in frame.text.iloc[-1]
    )
    messages = " | ".join(p.message for p in ingestor.report_.problems)
    assert "repeats" in messages and "no text" in messages and "fields" in messages
    assert frame.utterance_id.is_unique


def test_jsonl_with_a_broken_line(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    lines = [json.dumps({"id": r[0], "text": r[4]}, ensure_ascii=False) for r in REVIEWS[:2]]
    path.write_text(lines[0] + "\n{broken\n" + lines[1] + "\n", encoding="utf-8")
    frame, ingestor = ingest(path)
    assert frame.source_id.unique().tolist() == ["R1", "R2"]
    assert ingestor.report_.problems[0].loc == "line 2"


def test_xlsx_reviews(tmp_path: Path) -> None:
    path = tmp_path / "reviews.xlsx"
    _frame().rename(columns={"body": "Yorum"}).to_excel(path, index=False)
    frame, _ = ingest(path)
    assert frame.source_id.nunique() == 4
    assert frame.source_loc.iloc[0] == "row 2"


def test_large_files_are_streamed_in_chunks(tmp_path: Path) -> None:
    from nlp_jtbd.ingest import IngestOptions, Ingestor

    path = tmp_path / "big.csv"
    texts = [f"Review number {i} says the reminders work well." for i in range(1000)]
    pd.DataFrame({"id": range(1000), "text": texts}).to_csv(path, index=False)
    chunks = list(Ingestor(IngestOptions(chunk_rows=300)).iter_chunks([path]))
    assert len(chunks) >= 3 and max(len(c) for c in chunks) <= 300
    assert sum(len(c) for c in chunks) == 1000


def test_short_reviews_are_settled_by_the_language_mix_of_their_batch(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    texts = [
        *(f"Uygulama {w} çok iyi çalışıyor, teşekkürler." for w in ("gerçekten", "bence", "artık")),
        *(f"Приложение {w} работает, спасибо за поддержку." for w in ("отлично", "стабильно")),
        "Works well, support answers within an hour.",
        "Норм",  # alone, lingua leans Ukrainian; in this batch it is Russian
        "Süper",
        "ok 👍",  # two letters: undecidable, and said so
    ]
    pd.DataFrame({"text": texts}).to_csv(path, index=False)
    frame, _ = ingest(path, split_reviews=False)
    assert list(frame.lang[-3:]) == ["ru", "tr", "und"]


def test_an_unclosed_quote_is_pointed_out(tmp_path: Path) -> None:
    path = tmp_path / "open_quote.csv"
    rows = [f"{i},Review {i} is short and fine." for i in range(2, 80)]
    path.write_text(
        'id,text\n1,"Starts a quote and never ends it\n' + "\n".join(rows) + "\n", encoding="utf-8"
    )
    _, ingestor = ingest(path)
    warning = ingestor.report_.problems[0]
    assert warning.loc == "line 2" and "quote was left open" in warning.message


def test_multiline_quoted_reviews_keep_their_starting_line(tmp_path: Path) -> None:
    path = tmp_path / "multi.csv"
    path.write_text(
        'id,text\n1,"First line.\nSecond line."\n2,Next review here.\n', encoding="utf-8"
    )
    frame, _ = ingest(path)
    assert frame.groupby("source_id").source_loc.first().to_dict() == {"1": "line 2", "2": "line 4"}
    assert list(frame.text[:2]) == ["First line.", "Second line."]


def test_emoji_and_punctuation_are_kept_with_their_sentence_not_as_rows_of_their_own(
    tmp_path: Path,
) -> None:
    path = tmp_path / "emoji.csv"
    pd.DataFrame({"text": ["Great app. 👍", "👍", "!! Works fine."]}).to_csv(path, index=False)
    frame, _ = ingest(path)
    assert list(frame.text) == ["Great app. 👍", "👍", "!! Works fine."]


def test_spreadsheet_formulas_in_review_text_are_neutralised_for_export() -> None:
    import pandas as pd

    from nlp_jtbd.tables import neutralise_formulas

    frame = pd.DataFrame(
        {
            "text": [
                '=HYPERLINK("http://x.example","win")',
                "+1 great",
                "fine",
                "@admin pls",
                "-minus",
            ],
            "score": [-0.5, 1.0, 2.0, 3.0, 4.0],
        }
    )
    safe = neutralise_formulas(frame)
    assert safe["text"].tolist() == [
        "'" + '=HYPERLINK("http://x.example","win")',
        "'+1 great",
        "fine",
        "'@admin pls",
        "'-minus",
    ]
    assert safe["score"].tolist() == [-0.5, 1.0, 2.0, 3.0, 4.0]
