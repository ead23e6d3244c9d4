"""ABCDX segmentation, the crossing statistics and JTBD profiles, checked by hand."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLES
from sklearn.metrics import adjusted_rand_score

from nlp_jtbd.cross import benjamini_hochberg, cross_segments, jtbd_profiles, two_by_two
from nlp_jtbd.errors import InputError, UsageError
from nlp_jtbd.segment import ABCDXSegmenter, check_metrics, parse_weights

WEIGHTS = {"ltv": 3, "avg_check": 2, "purchase_frequency": 2, "cac": -1}
PROFILES = {  # avg_check, ltv, cac, purchase_frequency, growth
    "top": (50_000, 2e6, 20_000, 4.0, 0.1),
    "mid": (20_000, 5e5, 15_000, 2.0, 0.0),
    "low": (5_000, 8e4, 9_000, 1.0, 0.0),
    "min": (1_500, 1e4, 6_000, 0.4, -0.1),
    "grow": (8_000, 1e5, 7_000, 2.5, 0.8),
}


def planted_customers(seed: int, per_profile: int = 60, outliers: int = 6) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for name, (check, ltv, cac, freq, growth) in PROFILES.items():
        for _ in range(per_profile):
            rows.append(
                {
                    "truth": name,
                    "avg_check": check * rng.lognormal(0, 0.25),
                    "ltv": ltv * rng.lognormal(0, 0.25),
                    "cac": cac * rng.lognormal(0, 0.25),
                    "purchase_frequency": freq * rng.lognormal(0, 0.2),
                    "growth": growth + rng.normal(0, 0.1),
                }
            )
    for _ in range(outliers):
        rows.append(
            {
                "truth": "outlier",
                "avg_check": rng.choice([1e6, 10]),
                "ltv": rng.choice([1e8, 100]),
                "cac": rng.choice([1e6, 10]),
                "purchase_frequency": rng.choice([40, 0.01]),
                "growth": rng.normal(0, 3),
            }
        )
    frame = pd.DataFrame(rows)
    frame.insert(0, "customer_id", [f"C{i:04d}" for i in range(len(frame))])
    return frame


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_planted_value_segments_are_recovered_with_a_as_the_top_profile(seed: int) -> None:
    customers = planted_customers(seed)
    model = ABCDXSegmenter(WEIGHTS, growth_col="growth", random_state=seed).fit(customers)
    inliers = (customers["truth"] != "outlier").to_numpy()
    assert adjusted_rand_score(customers["truth"][inliers], model.labels_[inliers]) >= 0.95
    named = pd.crosstab(customers["truth"], model.labels_).idxmax(axis=1)
    assert named["top"] == "A"
    assert named["grow"] == "X"
    assert [named[p] for p in ("mid", "low", "min")] == ["B", "C", "D"]
    assert model.is_outlier_[~inliers].mean() >= 0.5  # flagged, and still given a segment
    assert set(model.labels_[~inliers]) <= set("ABCDX")


def test_without_a_growth_signal_the_fallback_rule_is_stated() -> None:
    model = ABCDXSegmenter(WEIGHTS).fit(planted_customers(0))
    assert "most uneven profile" in model.rules()["naming"]
    assert sorted(set(model.labels_)) == ["A", "B", "C", "D", "X"]


def test_segmentation_is_deterministic_for_a_seed() -> None:
    customers = planted_customers(3)
    a = ABCDXSegmenter(WEIGHTS, random_state=7).fit(customers).labels_
    b = ABCDXSegmenter(WEIGHTS, random_state=7).fit(customers).labels_
    assert list(a) == list(b)


def test_money_metrics_are_logged_and_robustly_scaled() -> None:
    model = ABCDXSegmenter(WEIGHTS, growth_col="growth").fit(planted_customers(0))
    rules = {r.column: r for r in model.rules_}
    assert rules["ltv"].log and rules["avg_check"].log
    assert rules["ltv"].scale_method == "MAD"
    assert rules["cac"].weight == -1


def test_weights_are_parsed_and_bad_ones_explained() -> None:
    assert parse_weights("ltv=3, cac=-1") == {"ltv": 3.0, "cac": -1.0}
    with pytest.raises(UsageError, match="cannot read the weight 'ltv3'"):
        parse_weights("ltv3")
    with pytest.raises(UsageError, match="the weight of 'cac' is 0"):
        parse_weights("cac=0")


def _metrics(**columns: list[object]) -> pd.DataFrame:
    return pd.DataFrame(columns)


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (_metrics(customer_id=["a", "b"], ltv=[1, 2]), r"no column 'cac'"),
        (
            _metrics(customer_id=["a", "a"], ltv=[1, 2], cac=[1, 2]),
            r"1 customer ids repeat: a \(rows 2, 3\)",
        ),
        (
            _metrics(customer_id=["a", "b"], ltv=[1, "12 000 ₽"], cac=[1, 2]),
            r"column 'ltv' is not numeric: row 3 \(b\), e\.g\. '12 000 ₽'",
        ),
        (
            _metrics(customer_id=["a", "b"], ltv=[5, 5], cac=[1, 2]),
            r"column 'ltv' has the same value \(5\) for every customer",
        ),
        (
            _metrics(customer_id=["a", "b"], ltv=[1, 2], cac=[1, 2]),
            r"2 customers are too few for this segmentation \(at least 15\)",
        ),
        (
            _metrics(customer_id=["a", None], ltv=[1, 2], cac=[1, 2]),
            r"1 customers have no id in 'customer_id' \(row 3\)",
        ),
    ],
)
def test_bad_metrics_name_rows_and_columns(frame: pd.DataFrame, message: str) -> None:
    with pytest.raises(InputError, match=message):
        check_metrics(frame, "customer_id", ["ltv", "cac"], "m.csv", min_rows=15)


def test_two_by_two_with_small_cells_uses_fisher_exactly_as_by_hand() -> None:
    # a=8 of 10 in the segment mention the item, 4 of 20 outside: n=30.
    cell = two_by_two(8, 2, 4, 16)
    assert cell["row_share"] == 0.8 and cell["col_share"] == 8 / 12
    assert cell["expected"] == 4.0
    assert cell["lift"] == pytest.approx(0.8 / 0.4)
    assert cell["adj_residual"] == pytest.approx(4 / math.sqrt(4 * (2 / 3) * 0.6))
    assert cell["test"] == "fisher"  # expected counts 4, 6, 8, 12: one is below 5

    def prob(a: int) -> float:  # hypergeometric: 12 mentions among 10 in / 20 out
        return math.comb(10, a) * math.comb(20, 12 - a) / math.comb(30, 12)

    observed = prob(8)
    p = sum(prob(a) for a in range(0, 11) if prob(a) <= observed * (1 + 1e-7))
    assert cell["p_value"] == pytest.approx(p, rel=1e-6)


def test_two_by_two_with_large_cells_uses_chi_square() -> None:
    cell = two_by_two(30, 20, 20, 30)  # expected 25 everywhere
    assert cell["test"] == "chi2"
    assert cell["adj_residual"] == pytest.approx(2.0)
    assert cell["p_value"] == pytest.approx(math.erfc(2.0 / math.sqrt(2)), rel=1e-9)


def test_benjamini_hochberg_matches_the_hand_computation() -> None:
    q = benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.2]))
    np.testing.assert_allclose(q, [0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.2])


def _evidence(planted: bool, seed: int) -> tuple[pd.DataFrame, pd.Series]:
    """200 customers in 5 segments, 6 utterances each from 77 intents; A over-says intent 0."""
    rng = np.random.default_rng(seed)
    rows, segments = [], {}
    for segment in "ABCDX":
        for i in range(40):
            customer = f"{segment}{i:03d}"
            segments[customer] = segment
            for j in range(6):
                boosted = planted and segment == "A" and rng.random() < 0.3
                intent = 0 if boosted else int(rng.integers(77))
                rows.append(
                    {
                        "utterance_id": f"{customer}-{j}",
                        "customer_id": customer,
                        "text": f"utterance {customer} {j}",
                        "cluster_id": intent,
                        "cluster_label": f"intent {intent}",
                        "cluster_confidence": 0.5,
                    }
                )
    return pd.DataFrame(rows), pd.Series(segments)


def test_a_planted_segment_job_association_is_found() -> None:
    evidence, segments = _evidence(planted=True, seed=0)
    result = cross_segments(evidence, segments)
    table = result.tables["cluster"]
    cell = table[(table["segment"] == "A") & (table["item"] == "#0 intent 0")].iloc[0]
    assert cell["lift"] >= 1.5 and cell["q_value"] < 0.01
    top = result.findings.iloc[0]
    assert (top["segment"], top["item"], top["direction"]) == ("A", "#0 intent 0", "driven by")
    assert len(top["quote_ids"].split()) == 3
    assert top["statement"].startswith("Segment A is driven by cluster '#0 intent 0'")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_without_an_association_almost_nothing_is_reported(seed: int) -> None:
    evidence, segments = _evidence(planted=False, seed=seed)
    table = cross_segments(evidence, segments).tables["cluster"]
    assert (table["q_value"] < 0.01).mean() <= 0.05


def test_jtbd_profiles_group_customers_around_recurring_main_jobs() -> None:
    evidence = pd.DataFrame(
        {
            "utterance_id": [f"u{i}" for i in range(8)],
            "customer_id": ["c1", "c1", "c2", "c2", "c3", "c3", "c4", "c4"],
            "text": ["t"] * 8,
            "cluster_id": [1, 2, 1, 3, 4, 2, 2, 2],
            "cluster_label": [
                "orders",
                "outage",
                "orders",
                "price",
                "tax",
                "outage",
                "outage",
                "outage",
            ],
            "category": [
                "main_job",
                "trigger",
                "main_job",
                "barrier",
                "main_job",
                "trigger",
                "none",
                "none",
            ],
            "category_confidence": [0.9, 0.8, 0.7, 0.6, 0.9, 0.5, 0.9, 0.9],
        }
    )
    profiles = jtbd_profiles(evidence).set_index("customer_id")
    assert profiles.loc["c1", "main_job"] == "#1 orders"
    assert profiles.loc["c1", "triggers"] == "#2 outage"
    assert profiles.loc["c2", "barriers"] == "#3 price"
    assert profiles["jtbd_segment"].to_dict() == {
        "c1": "#1 orders",
        "c2": "#1 orders",
        "c3": "other",
        "c4": "no main job",
    }


def test_abcdx_cli_writes_segments_profiles_and_rules(
    cli: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    out = tmp_path / "segments.csv"
    code, stdout, _ = cli(
        "abcdx", EXAMPLES / "metrics" / "customers.csv", "--growth-col", "tenure", "--out", out
    )
    assert code == 0
    segments = pd.read_csv(out)
    assert list(segments.columns) == [
        "customer_id",
        "segment",
        "cluster_id",
        "value_score",
        "distance",
        "is_outlier",
    ]
    assert sorted(segments["segment"].unique()) == ["A", "B", "C", "D", "X"]
    profiles = pd.read_csv(tmp_path / "segments_profiles.csv")
    assert {"median_ltv", "industry_mix", "business_model_mix", "description", "too_small"} <= set(
        profiles.columns
    )
    means = profiles.set_index("segment")["value_score"]
    assert means["A"] > means["B"] > means["C"] > means["D"]
    assert "lower is better" in stdout and "tenure" in stdout


def test_abcdx_cli_refuses_duplicate_customers(
    cli: Callable[..., tuple[int, str, str]], write: Callable[..., Path]
) -> None:
    path = write(
        "m.csv",
        "customer_id,ltv,avg_check,purchase_frequency,cac\n"
        + "".join(f"c{i % 20},{i},{i * 2},{i % 7},{i % 5}\n" for i in range(30)),
    )
    code, _, stderr = cli("abcdx", path, "--out", path.parent / "s.csv")
    assert code == 2
    assert "10 customer ids repeat: c0 (rows 2, 22), c1 (rows 3, 23)" in stderr


def test_analyze_runs_every_stage_on_the_bundled_examples(bundled_analysis: Path) -> None:
    out = bundled_analysis  # `jtbd analyze ... --metrics ... --quiet`, exit code checked there
    for name in (
        "utterances.parquet",
        "clusters.csv",
        "assignments.csv",
        "predictions.csv",
        "candidates.csv",
        "segments.csv",
        "findings.csv",
        "cross_candidate.csv",
        "cross_category.csv",
        "jtbd_profiles.csv",
        "summary.json",
    ):
        assert (out / name).exists(), name
    summary = json.loads((out / "summary.json").read_text())
    assert set(summary["analyze"]["seconds"]) == {
        "ingest",
        "discover",
        "classify",
        "synthesize",
        "abcdx",
        "cross",
        "report",
    }
    assert (out / "report.html").stat().st_size > 10_000
    findings = pd.read_csv(out / "findings.csv")
    assert list(findings.columns)[:11] == [
        "segment",
        "dimension",
        "item",
        "item_name",
        "direction",
        "count",
        "segment_size",
        "share",
        "lift",
        "p_value",
        "q_value",
    ]
    category = pd.read_csv(out / "cross_category.csv")
    assert set(category["segment"]) == {"A", "B", "C", "D", "X"}
    assert category["q_value"].between(0, 1).all()


def test_cross_needs_something_to_cross_with(
    cli: Callable[..., tuple[int, str, str]], write: Callable[..., Path]
) -> None:
    segments = write("s.csv", "customer_id,segment\nC1,A\n")
    utterances = write("u.csv", "text,customer_id\nhello there,C1\n")
    code, _, stderr = cli(
        "cross", segments, "--utterances", utterances, "--out", segments.parent / "x"
    )
    assert code == 2
    assert "nothing to cross the segments with" in stderr


def test_money_in_tiers_is_logged_so_the_top_tier_is_not_split() -> None:
    # A third of the customers in a high tier makes LTV bimodal rather than skewed; left
    # linear, the top tier's own spread outweighs the gaps between the lower tiers.
    rng = np.random.default_rng(16)
    tiers = {"A": 4.8e6, "B": 9e5, "C": 1.6e5, "D": 2.5e4}
    truth = np.repeat(list(tiers), [16, 11, 11, 10])
    ltv = np.array([tiers[t] for t in truth]) * rng.lognormal(0, 0.18, len(truth))
    frame = pd.DataFrame({"customer_id": [f"Q{i:03d}" for i in range(len(truth))], "ltv": ltv})
    model = ABCDXSegmenter({"ltv": 1.0}, n_clusters=4).fit(frame)
    assert model.rules_[0].log
    assert adjusted_rand_score(truth, model.labels_) == 1.0
    assert "log1p" in model.rules()["transform_and_scaling"][0]
