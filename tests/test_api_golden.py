"""An API analysis job on the bundled examples reproduces the golden snapshot of `jtbd analyze`.

``tests/golden.py`` holds the snapshot of ``jtbd analyze examples/interviews examples/reviews
--meta examples/interviews/manifest.csv --metrics examples/metrics/customers.csv --growth-col
tenure --seed 42``. Here the same inputs go through real HTTP (the real app under FastAPI's
TestClient, on SQLite, and on PostgreSQL when CI runs one): the eight interview files sorted by
name (``manifest.csv`` as the upload's ``meta`` manifest, not as a document), then
``reviews.csv``, then ``customers.csv`` as the metrics; an analysis with ``{"seed": 42,
"growth_col": "tenure"}``.

Every result table must equal the golden CSV exactly, as text:
``pd.DataFrame(rows, columns=golden_columns).to_csv(index=False)``, with the columns in the
golden order. Exceptions, each only where the CLI's file and the API's JSON cannot say the same:

* ``source_path`` (and predictions' ``document``) columns hold a file-system path in the CLI's
  tables (where ``jtbd analyze`` read the file) and the upload's file name in the API's:
  compared by file name (``Path(p).name``) on both sides.
* JSON has no integer column with gaps: pandas rebuilds ``[35, null]`` as floats (``35.0``)
  where the CLI wrote ``35`` and an empty cell (``jtbd_profiles.main_job_cluster``). Columns
  that are whole numbers with gaps in the golden file are rebuilt as nullable integers (a
  value that is not whole fails the test).
* JSON has no float32: the CLI writes some scores as float32, which CSV renders as ``1e-04``
  where the same number as JSON renders ``0.0001`` (``map``, ``predictions``). Numbers in
  scientific notation are written as Python writes the float, on both sides.

summary.json is compared after ``golden.snapshot``'s stripping (timings, dates, memory,
paths), and the HTML report after its normalisation, with the input folders (the CLI's) and the
folder's name (the API's) left out.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import EXAMPLES
from golden import GOLDEN, differences, snapshot
from test_api import database, key_for, make_client, new_project, wait

from api.jobs import RESULT_TABLES

__all__ = ["database"]  # the fixture, parametrised over SQLite and PostgreSQL
_INPUT_FOLDERS = ("examples/interviews/", "examples/reviews/")


def golden_text(name: str) -> str:
    """A golden file's text; the report without the CLI's input folders."""
    text = (GOLDEN / name).read_text("utf-8")
    if name == "report.html":
        for folder in _INPUT_FOLDERS:
            text = text.replace(folder, "")
    return text


_SCIENTIFIC = re.compile(r"(?<![^,\n])-?\d+(?:\.\d+)?e[-+]\d+(?![^,\n])")


def _comparable(text: str) -> str:
    """A CSV's text with ``source_path`` and ``document`` reduced to file names and numbers in scientific
    notation as Python writes them (float32's ``1e-04`` is ``0.0001``)."""
    text = _SCIENTIFIC.sub(lambda m: repr(float(m.group())), text)
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    paths = [c for c in ("source_path", "document") if c in frame.columns]
    if not paths:
        return text
    for column in paths:
        frame[column] = [Path(p).name if p else p for p in frame[column]]
    return frame.to_csv(index=False)


def _table(rows: list[dict], golden_file: Path) -> str:
    """The API's rows as the CLI's CSV: the golden columns in the golden order; whole numbers
    with gaps as nullable integers."""
    golden = pd.read_csv(
        golden_file, dtype_backend="numpy_nullable", keep_default_na=False, na_values=[""]
    )
    columns = list(golden.columns)
    assert not rows or list(rows[0]) == columns, f"columns {list(rows[0])} != {columns}"
    frame = pd.DataFrame(rows, columns=columns)
    gaps = [c for c in columns if str(golden[c].dtype) == "Int64" and golden[c].isna().any()]
    return frame.astype(dict.fromkeys(gaps, "Int64")).to_csv(index=False)


@pytest.mark.slow
def test_an_api_analysis_of_the_examples_reproduces_the_golden_snapshot(
    tmp_path: Path, database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An empty embedding cache, as the snapshot had (vectors cached from other batches may
    # differ in the last bits).
    monkeypatch.setenv("JTBD_CACHE_DIR", str(tmp_path / "embedding-cache"))
    interviews = sorted(p for p in (EXAMPLES / "interviews").iterdir() if p.name != "manifest.csv")
    assert len(interviews) == 8
    with make_client(tmp_path, database) as client:
        headers = key_for(client, all_projects=True)
        project = new_project(client, headers, "golden")
        manifest = EXAMPLES / "interviews" / "manifest.csv"
        response = client.post(
            f"/v1/projects/{project}/documents",
            files=[
                *(("files", (p.name, p.read_bytes())) for p in interviews),
                ("meta", (manifest.name, manifest.read_bytes())),
            ],
            headers=headers,
        )
        assert response.status_code == 201, response.text
        problems = [m for e in response.json()["errors"] for m in e["errors"]]
        assert all(m.startswith("warning") for m in problems), problems  # all read
        reviews = EXAMPLES / "reviews" / "reviews.csv"
        response = client.post(
            f"/v1/projects/{project}/documents",
            files=[("files", (reviews.name, reviews.read_bytes()))],
            headers=headers,
        )
        assert response.status_code == 201, response.text
        metrics = EXAMPLES / "metrics" / "customers.csv"
        response = client.post(
            f"/v1/projects/{project}/metrics",
            files={"file": (metrics.name, metrics.read_bytes())},
            headers=headers,
        )
        assert response.status_code == 201, response.text
        docs = client.get(f"/v1/projects/{project}/documents", headers=headers).json()
        assert [d["filename"] for d in docs] == [
            *(p.name for p in interviews),
            "reviews.csv",
            "customers.csv",
        ]
        assert docs[0]["meta"]["customer_id"] == "C0025"  # en_fitness_studio.srt's row

        response = client.post(
            f"/v1/projects/{project}/analyses",
            json={"seed": 42, "growth_col": "tenure"},
            headers=headers,
        )
        assert response.status_code == 202, response.text
        analysis = response.json()["id"]
        state = wait(client, headers, analysis, timeout=900)
        assert state["status"] == "succeeded", state["error"]

        problems = []
        compared = []
        for name in RESULT_TABLES:
            golden_file = GOLDEN / f"{name}.csv"
            response = client.get(f"/v1/analyses/{analysis}/{name}?limit=100000", headers=headers)
            if not golden_file.exists():
                assert response.status_code == 404, f"{name}: not in the golden snapshot"
                continue
            assert response.status_code == 200, f"{name}: {response.text}"
            actual = _comparable(_table(response.json(), golden_file))
            expected = _comparable(golden_file.read_text("utf-8"))
            problems += differences({f"{name}.csv": actual}, {f"{name}.csv": expected})
            compared.append(name)
        assert set(compared) == {p.stem for p in GOLDEN.glob("*.csv") if p.stem != "utterances"}, (
            compared
        )

        summary = client.get(f"/v1/analyses/{analysis}/summary", headers=headers)
        assert summary.status_code == 200, summary.text
        report = client.get(f"/v1/analyses/{analysis}/report", headers=headers)
        assert report.status_code == 200, report.text
        assert report.headers["content-type"].startswith("text/html")
        folder = tmp_path / "api" / "analysis"
        folder.mkdir(parents=True)
        (folder / "summary.json").write_text(summary.text, "utf-8")
        (folder / "report.html").write_text(report.text, "utf-8")
        actual = snapshot(folder)
        actual["report.html"] = actual["report.html"].replace(
            "Files in analysis:", "Files in ANALYSIS:"
        )
        expected = {name: golden_text(name) for name in actual}
        problems += differences(actual, expected)
        assert problems == [], "\n".join(problems)
