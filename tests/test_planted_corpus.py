"""The planted synthesis corpora (bench/data/planted/, bench/data/planted_stock/) are well-formed.

`bench/synthesis.py` measures candidate jobs, triggers and barriers against `truth.csv`; these
checks make sure that truth is sound: the committed files are what `build.py` makes of the
hand-written sources, every planted sentence comes out of the ingester as one respondent
utterance of its customer, no two planted sentences are the same, every customer has metrics,
the three languages are all there, and segment A over-represents the items of ``links.csv``.
"""

from __future__ import annotations

import filecmp
import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO

from nlp_jtbd.ingest import IngestOptions, Ingestor

BUILD = REPO / "bench" / "data" / "planted" / "build.py"
CORPORA = [REPO / "bench" / "data" / name for name in ("planted", "planted_stock")]


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


@pytest.fixture(scope="module", params=CORPORA, ids=lambda p: p.name)
def corpus(request: pytest.FixtureRequest) -> Path:
    return request.param


@pytest.fixture(scope="module")
def truth(corpus: Path) -> pd.DataFrame:
    return pd.read_csv(corpus / "truth.csv", keep_default_na=False, dtype=str)


@pytest.fixture(scope="module")
def utterances(corpus: Path) -> pd.DataFrame:
    ingestor = Ingestor(IngestOptions(meta=corpus / "interviews" / "manifest.csv"))
    frame = ingestor.ingest([corpus / "interviews", corpus / "reviews"])
    assert not ingestor.report_.problems, ingestor.report_.problems
    frame["file"] = frame["source_path"].map(lambda p: Path(p).name)
    frame["review_id"] = frame["source_id"].fillna("").astype(str)
    return frame


def test_the_committed_corpus_is_what_build_makes_of_the_sources(
    corpus: Path, tmp_path: Path
) -> None:
    spec = importlib.util.spec_from_file_location("planted_build", BUILD)
    assert spec and spec.loader
    build = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = build  # dataclasses look their module up there
    try:
        spec.loader.exec_module(build)
    finally:
        del sys.modules[spec.name]
    build.build(tmp_path, corpus)
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    for rel in made:
        assert filecmp.cmp(tmp_path / rel, corpus / rel, shallow=False), f"{rel} is stale"
    committed = {p.relative_to(corpus / "interviews") for p in (corpus / "interviews").iterdir()}
    assert committed == {p.relative_to("interviews") for p in made if p.parts[0] == "interviews"}


def test_every_planted_sentence_is_one_respondent_utterance_of_its_customer(
    truth: pd.DataFrame, utterances: pd.DataFrame
) -> None:
    texts = utterances["text"].map(_norm)
    missing = []
    for row in truth.itertuples():
        if row.source_type == "review":
            here = (utterances["file"] == "reviews.csv") & (
                utterances["review_id"] == row.review_id
            )
        else:
            here = utterances["file"] == Path(row.document).name
        hit = utterances[here & (texts == _norm(row.text))]
        if len(hit) != 1 or set(hit["role"]) != {"respondent"}:
            missing.append((row.document, row.text))
        elif hit["customer_id"].iloc[0] != row.customer_id or hit["lang"].iloc[0] != row.lang:
            missing.append((row.document, row.customer_id, row.lang, row.text))
    assert not missing


def test_no_two_planted_sentences_are_the_same(truth: pd.DataFrame) -> None:
    normalised = truth["text"].map(_norm)
    assert not normalised.duplicated().any()
    assert truth["text"].str.len().min() >= 30  # a planted sentence says something


def test_every_customer_plants_one_job_and_one_or_two_triggers_and_barriers(
    corpus: Path, truth: pd.DataFrame
) -> None:
    items = pd.read_csv(corpus / "items.csv", dtype=str)
    assert dict(zip(items["item_id"], items["category"], strict=True)) == dict(
        truth[["item_id", "category"]].drop_duplicates().itertuples(index=False)
    )
    per = truth.groupby(["customer_id", "category"])["item_id"].nunique().unstack()
    assert (per["main_job"] == 1).all()
    assert per["trigger"].between(1, 2).all() and per["barrier"].between(1, 2).all()
    assert items.groupby("category").size().between(4, 5).all()


def test_customers_have_metrics_documents_and_all_three_languages(
    corpus: Path, truth: pd.DataFrame
) -> None:
    metrics = pd.read_csv(corpus / "metrics.csv", dtype={"customer_id": str})
    manifest = pd.read_csv(corpus / "interviews" / "manifest.csv", dtype=str)
    reviews = pd.read_csv(corpus / "reviews" / "reviews.csv", dtype=str)
    customers = set(manifest["customer_id"])
    assert set(truth["customer_id"]) == customers == set(metrics["customer_id"])
    assert set(reviews["customer_id"]) <= customers
    assert {"ltv", "avg_check", "purchase_frequency", "cac", "tenure"} <= set(metrics.columns)
    assert (manifest["path"].map(lambda p: (corpus / "interviews" / p).is_file())).all()
    share = truth.drop_duplicates("customer_id")["lang"].value_counts(normalize=True)
    assert set(share.index) == {"ru", "en", "tr"} and share.min() > 0.25
    formats = manifest["path"].str.rsplit(".", n=1).str[-1]
    assert set(formats) == {"txt", "vtt", "srt"}


def test_segment_a_over_represents_the_linked_items(corpus: Path, truth: pd.DataFrame) -> None:
    planted = pd.read_csv(corpus / "segments_planted.csv", dtype=str)
    rows = truth.merge(planted, on="customer_id")
    in_a = rows["planted_segment"] == "A"
    size_a = rows.loc[in_a, "customer_id"].nunique()
    size_other = rows.loc[~in_a, "customer_id"].nunique()
    links = pd.read_csv(corpus / "links.csv", dtype=str)
    assert set(links["segment"]) == {"A"} and len(links) == 2
    for item in links["item_id"]:
        holders = rows[rows["item_id"] == item]
        share_a = holders.loc[holders["planted_segment"] == "A", "customer_id"].nunique() / size_a
        share_other = (
            holders.loc[holders["planted_segment"] != "A", "customer_id"].nunique() / size_other
        )
        assert share_a >= 0.75 and share_other <= 0.25, item
    assert 15 <= size_a <= 20
