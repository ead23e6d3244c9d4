"""`jtbd export`: spreadsheets people open safely, Parquet and JSON for tools."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from conftest import EXAMPLES
from openpyxl import load_workbook

Cli = Callable[..., tuple[int, str, str]]
FORMULA = '=HYPERLINK("http://evil.example","Click for a refund")'


@pytest.fixture(scope="module")
def analysis(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled examples plus one hostile review, analysed."""
    from nlp_jtbd.cli import main

    folder = tmp_path_factory.mktemp("export")
    reviews = pd.read_csv(EXAMPLES / "reviews" / "reviews.csv")
    hostile = reviews.iloc[:1].copy()
    hostile["review_id"], hostile["text"] = "R9999", FORMULA + " great app otherwise"
    pd.concat([reviews, hostile]).to_csv(folder / "reviews.csv", index=False)
    out = folder / "analysis"
    with pytest.raises(SystemExit) as done:
        main(
            [
                "analyze",
                str(EXAMPLES / "interviews"),
                str(folder / "reviews.csv"),
                "--meta",
                str(EXAMPLES / "interviews" / "manifest.csv"),
                "--metrics",
                str(EXAMPLES / "metrics" / "customers.csv"),
                "--out",
                str(out),
                "--quiet",
            ]
        )
    assert done.value.code in (0, None)
    return out


def test_csv_export_makes_formulas_inert(cli: Cli, analysis: Path, tmp_path: Path) -> None:
    code, _, stderr = cli("export", analysis, "--format", "csv", "--out", tmp_path / "csv")
    assert code == 0, stderr
    names = {p.name for p in (tmp_path / "csv").iterdir()}
    assert {"utterances.csv", "clusters.csv", "segments.csv", "findings.csv"} <= names
    utterances = pd.read_csv(tmp_path / "csv" / "utterances.csv", keep_default_na=False)
    hostile = utterances[utterances["text"].str.contains("HYPERLINK")]
    assert len(hostile) == 1
    assert hostile["text"].iloc[0].startswith("'=HYPERLINK")
    assert {"cluster_id", "cluster_label", "category", "category_confidence"} <= set(
        utterances.columns
    )


def test_xlsx_export_writes_text_cells_never_formulas(
    cli: Cli, analysis: Path, tmp_path: Path
) -> None:
    path = tmp_path / "analysis.xlsx"
    code, _, stderr = cli("export", analysis, "--format", "xlsx", "--out", path)
    assert code == 0, stderr
    book = load_workbook(path)
    assert {"utterances", "clusters", "segments", "findings"} <= set(book.sheetnames)
    sheet = book["utterances"]
    header = [c.value for c in sheet[1]]
    column = header.index("text") + 1
    cells = [sheet.cell(r, column) for r in range(2, sheet.max_row + 1)]
    hostile = [c for c in cells if c.value and "HYPERLINK" in str(c.value)]
    assert len(hostile) == 1
    assert hostile[0].data_type == "s"  # a string cell: shown as text, never evaluated
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_parquet_and_json_keep_the_values(cli: Cli, analysis: Path, tmp_path: Path) -> None:
    assert cli("export", analysis, "-f", "parquet", "-o", tmp_path / "pq")[0] == 0
    table = pd.read_parquet(tmp_path / "pq" / "utterances.parquet")
    assert table["text"].str.startswith("=HYPERLINK").sum() == 1  # data formats are untouched
    assert cli("export", analysis, "-f", "json", "-o", tmp_path / "a.json")[0] == 0
    data = json.loads((tmp_path / "a.json").read_text())
    assert len(data["utterances"]) == len(table)


def test_a_wrong_suffix_or_folder_is_explained(cli: Cli, analysis: Path, tmp_path: Path) -> None:
    code, _, stderr = cli("export", analysis, "-f", "xlsx", "-o", tmp_path / "a.csv")
    assert code == 2 and "end the output name with .xlsx" in stderr
    code, _, stderr = cli("export", tmp_path, "-f", "csv", "-o", tmp_path / "x")
    assert code == 2 and "not an analysis folder" in stderr


def test_xlsx_reads_like_a_transcript_with_typed_filtered_columns(
    cli: Cli, analysis: Path, tmp_path: Path
) -> None:
    path = tmp_path / "analysis.xlsx"
    assert cli("export", analysis, "--format", "xlsx", "--out", path)[0] == 0
    book = load_workbook(path)
    # one sheet per result table of the folder (crossings and profiles included)
    written = {p.stem for p in analysis.glob("*.csv")} - {
        "assignments", "predictions", "map", "representatives"
    }  # fmt: skip
    assert set(book.sheetnames) == {"utterances"} | written
    sheet = book["utterances"]
    header = [c.value for c in sheet[1]]
    assert header[:9] == [
        "text", "speaker", "role", "document", "file", "location", "time", "question", "category"
    ]  # fmt: skip
    assert {"category_confidence", "category_unsure", "cluster_id", "cluster_label"} <= set(header)
    assert header[-1] == "utterance_id"
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(2)]
    # typed: ids and indexes are integers, flags booleans, never 3.0 or "True"
    clusters = [r["cluster_id"] for r in rows if r["cluster_id"] is not None]
    assert clusters and all(type(v) is int for v in clusters)
    assert all(type(r["turn_index"]) is int for r in rows if r["turn_index"] is not None)
    assert {type(r["category_unsure"]) for r in rows if r["category_unsure"] is not None} == {bool}
    # where each utterance is, and the question it answers
    answers = [r for r in rows if r["role"] == "respondent" and r["question"]]
    assert answers and all(r["file"] and r["location"] for r in answers)
    assert all(r["time"] for r in answers if r["start_s"] is not None)
    assert any(r["question"].rstrip().endswith("?") for r in answers)
    assert all(r["question"] is None for r in rows if r["source_type"] == "review")
    # layout: frozen bold header, filters over the table, widths to read by
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}{len(rows) + 1}"
    width = {c.value: sheet.column_dimensions[c.column_letter].width for c in sheet[1]}
    assert width["text"] >= 50 and sheet["A2"].alignment.wrap_text
    assert all(6 <= w <= 50 for w in width.values())
    assert book["clusters"].freeze_panes == "A2" and book["clusters"].auto_filter.ref
