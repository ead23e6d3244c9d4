"""Cluster centres place every utterance, the same way at fit and at predict time."""

from __future__ import annotations

import numpy as np
import pytest

from nlp_jtbd.discover.assign import CentroidAssigner
from nlp_jtbd.discover.neighbors import exact_knn
from nlp_jtbd.errors import InputError


def blobs(
    sizes: list[int], dim: int = 16, spread: float = 0.15, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(len(sizes), dim))
    points = [c + spread * rng.normal(size=(n, dim)) for c, n in zip(centres, sizes, strict=True)]
    vectors = np.vstack(points).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    truth = np.repeat(np.arange(len(sizes)), sizes)
    return vectors, truth


def test_noise_points_near_a_cluster_join_it_and_far_ones_stay_unassigned() -> None:
    vectors, truth = blobs([40, 30, 20])
    labels = truth.copy()
    labels[[0, 45, 75]] = -1  # density clustering left three members as noise
    far = np.random.default_rng(9).normal(size=(1, 16)).astype(np.float32)
    far /= np.linalg.norm(far)
    placement = CentroidAssigner().fit(vectors, labels).predict(np.vstack([vectors, far]))
    assert list(placement.cluster_id[[0, 45, 75]]) == [0, 1, 2]
    assert placement.cluster_id[-1] == -1 and placement.is_outlier[-1]
    assert placement.nearest[-1] >= 0 and placement.confidence[-1] == 0.0


def test_clusters_are_numbered_by_size_and_confidence_ranks_centrality() -> None:
    vectors, truth = blobs([10, 50, 25])
    placement = CentroidAssigner().fit(vectors, truth).predict(vectors)
    assert np.bincount(placement.cluster_id).tolist() == [50, 25, 10]
    assert ((placement.confidence >= 0) & (placement.confidence <= 1)).all()
    assert np.median(placement.confidence) == pytest.approx(0.5, abs=0.1)


def test_near_duplicate_clusters_merge_and_max_clusters_caps_the_count() -> None:
    vectors, truth = blobs([30, 30, 30, 30])
    split = truth.copy()
    split[:15] = 4  # one real cluster cut in two by the density step
    assert len(CentroidAssigner(merge_threshold=0.9).fit(vectors, split).centroids_) == 4
    assert len(CentroidAssigner(max_clusters=2).fit(vectors, truth).centroids_) == 2


def test_no_cluster_at_all_is_a_clear_error() -> None:
    vectors, _ = blobs([5])
    with pytest.raises(InputError, match="no clusters"):
        CentroidAssigner().fit(vectors, np.full(5, -1))


def test_exact_neighbours_put_each_point_first_and_sort_by_similarity() -> None:
    vectors, _ = blobs([20, 20])
    indices, distances = exact_knn(vectors, 5)
    assert (indices[:, 0] == np.arange(40)).all() and (distances[:, 0] == 0).all()
    assert (np.diff(distances, axis=1) >= -1e-6).all()


def test_a_sample_fit_widens_the_radius_for_the_members_it_did_not_see() -> None:
    vectors, truth = blobs([400, 300, 300], spread=0.3, seed=4)
    seen = np.random.default_rng(0).permutation(len(vectors))[:200]
    unseen = np.setdiff1d(np.arange(len(vectors)), seen)
    plain = CentroidAssigner().fit(vectors[seen], truth[seen])
    widened = CentroidAssigner().fit(vectors[seen], truth[seen], population=len(vectors))
    assert (widened.thresholds_ < plain.thresholds_).all()
    np.testing.assert_array_equal(widened.centroids_, plain.centroids_)  # same clusters
    lost_plain = plain.predict(vectors[unseen]).is_outlier.mean()
    lost_widened = widened.predict(vectors[unseen]).is_outlier.mean()
    assert lost_plain > 0.02 and lost_widened < lost_plain / 2
    # Without a sample the radius is the lowest member, as before.
    full = CentroidAssigner().fit(vectors, truth, population=len(vectors))
    np.testing.assert_array_equal(full.thresholds_, full.quantiles_[:, 0])
