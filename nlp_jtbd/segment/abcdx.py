"""ABCDX value segmentation: weighted, standardised customer metrics clustered by k-means.

Rules (printed by the CLI and stored with the result):

1. **Transform**: a metric that is non-negative and either right-skewed (sample skewness > 1)
   or spread over an order of magnitude or more (its 95th percentile at least ten times its
   5th), as money is (average check, LTV, CAC), is replaced by ``log1p``: a customer spending
   twice as much differs as much at 1,000 as at 100,000. Skewness alone misses money that
   comes in a few tiers (a high-value tier of a third of the customers makes LTV bimodal, not
   skewed); left linear, the top tier's own spread outweighs the gaps between the lower tiers
   and k-means splits the top tier while merging the others.
2. **Robust standardisation**: ``(x - median) / (1.4826 * MAD)``; when the MAD is 0 (more than
   half the customers share one value) the IQR / 1.349 is used, then the standard deviation.
   The result is clipped to ±``clip`` so a few extreme customers cannot pull a centroid.
3. **Weighting**: each standardised metric is multiplied by ``|weight|`` for clustering (a
   weight is how much the metric matters); the sign says whether more is better. The
   **value score** of a customer is ``Σ weight·z / Σ |weight|``.
4. **Outliers**: a customer whose distance to their ``m``-th nearest neighbour (``m`` = 5, fewer
   for small tables) in the weighted space lies beyond Tukey's far fence (Q3 + 3·IQR of those
   distances over all customers) is an outlier: it is left out of the k-means fit, then placed
   in its nearest cluster and flagged (``is_outlier``), never dropped.
5. **k-means** with ``n_clusters`` (5), ``n_init`` initialisations and a fixed ``random_state``.
6. **Names**: X is the growth-potential cluster — with ``growth_col`` the cluster (other than
   the highest-value one) with the highest median standardised growth signal; without one, the
   cluster (other than the highest-value one) whose weighted profile is most uneven (the largest
   spread of its centroid across the metrics: strong on some value drivers, weak on others).
   The other clusters are A, B, C, D… in decreasing mean value score.
"""

from __future__ import annotations

import string
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy.stats import skew
from sklearn.base import BaseEstimator
from sklearn.cluster import KMeans

from nlp_jtbd.errors import UsageError


@dataclass(frozen=True)
class ScalingRule:
    """How one metric became a standardised, weighted feature."""

    column: str
    weight: float
    log: bool
    center: float
    scale: float
    scale_method: str

    def apply(self, values: np.ndarray, clip: float) -> np.ndarray:
        x = np.log1p(np.clip(values, 0, None)) if self.log else values
        return np.clip((x - self.center) / self.scale, -clip, clip)

    def describe(self) -> str:
        sign = "higher is better" if self.weight > 0 else "lower is better"
        log = "log1p, then " if self.log else ""
        return (
            f"{self.column}: weight {self.weight:g} ({sign}); {log}(x − {self.center:.4g}) / "
            f"{self.scale:.4g} [{self.scale_method}]"
        )


def fit_rule(column: str, weight: float, values: np.ndarray) -> ScalingRule:
    log = bool(values.min() >= 0 and len(values) > 2 and (skew(values) > 1.0 or _spans(values)))
    x = np.log1p(values) if log else values
    center = float(np.median(x))
    mad = float(np.median(np.abs(x - center))) * 1.4826
    q75, q25 = np.percentile(x, [75, 25])
    for scale, method in ((mad, "MAD"), ((q75 - q25) / 1.349, "IQR"), (float(np.std(x)), "std")):
        if scale > 1e-12:
            return ScalingRule(column, weight, log, center, float(scale), method)
    raise UsageError(f"'{column}' does not vary", fix="drop it from `weights`")


def _spans(values: np.ndarray, ratio: float = 10.0) -> bool:
    """Whether non-negative ``values`` spread over ``ratio`` or more (95th / 5th percentile)."""
    low, high = np.percentile(values, [5, 95])
    return bool(high > 0 and high >= ratio * low)


def _nearest(features: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    return ((features[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)


def knn_outliers(features: np.ndarray, m: int = 5) -> np.ndarray:
    """Customers far from their m-th nearest neighbour: beyond Q3 + 3·IQR of those distances."""
    from sklearn.neighbors import NearestNeighbors

    m = max(1, min(m, len(features) // 20))
    if len(features) <= m + 1:
        return np.zeros(len(features), dtype=bool)
    distances = NearestNeighbors(n_neighbors=m + 1).fit(features).kneighbors(features)[0][:, m]
    q1, q3 = np.percentile(distances, [25, 75])
    return distances > q3 + 3 * (q3 - q1)


class ABCDXSegmenter(BaseEstimator):
    """Cluster customers by how they buy; name clusters A… by value and X by growth potential.

    ``weights`` maps a metric column to its weight (read, never changed); learned state ends in
    ``_`` (``rules_``, ``centroids_``, ``labels_``, …), so ``sklearn.base.clone`` gives an
    unfitted copy.
    """

    def __init__(
        self,
        weights: dict[str, float],
        n_clusters: int = 5,
        growth_col: str | None = None,
        n_init: int = 20,
        random_state: int = 42,
        clip: float = 4.0,
        min_share: float = 0.05,
    ) -> None:
        self.weights = weights
        self.n_clusters = n_clusters
        self.growth_col = growth_col
        self.n_init = n_init
        self.random_state = random_state
        self.clip = clip
        self.min_share = min_share

    # -- fitting ----------------------------------------------------------------------------
    def _features(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        z = np.column_stack(
            [rule.apply(frame[rule.column].to_numpy(float), self.clip) for rule in self.rules_]
        )
        w = np.array([rule.weight for rule in self.rules_])
        return z * np.abs(w), (z * w).sum(axis=1) / np.abs(w).sum()

    def fit(self, frame: pd.DataFrame) -> ABCDXSegmenter:
        if self.n_clusters < 2:
            raise UsageError("ABCDX needs at least 2 clusters", fix="use `n_clusters=5`")
        weights = dict(self.weights)
        self.rules_ = [fit_rule(c, w, frame[c].to_numpy(float)) for c, w in weights.items()]
        features, value = self._features(frame)
        self.is_outlier_ = knn_outliers(features)
        if (~self.is_outlier_).sum() < self.n_clusters * 2:
            self.is_outlier_[:] = False
        model = KMeans(self.n_clusters, n_init=self.n_init, random_state=self.random_state)
        model.fit(features[~self.is_outlier_])
        self.centroids_ = model.cluster_centers_
        clusters = _nearest(features, self.centroids_)
        cluster_value = np.array([value[clusters == c].mean() for c in range(self.n_clusters)])
        top = int(np.argmax(cluster_value))
        candidates = [c for c in range(self.n_clusters) if c != top]
        if self.growth_col:
            growth_rule = fit_rule(self.growth_col, 1.0, frame[self.growth_col].to_numpy(float))
            growth = growth_rule.apply(frame[self.growth_col].to_numpy(float), self.clip)
            signal = {c: float(np.median(growth[clusters == c])) for c in candidates}
            self.x_rule_ = (
                f"X = the cluster (other than the highest-value one) with the highest median "
                f"standardised '{self.growth_col}' ({growth_rule.describe()})"
            )
        else:
            signal = {c: float(np.std(self.centroids_[c])) for c in candidates}
            self.x_rule_ = (
                "X = the cluster (other than the highest-value one) with the most uneven profile: "
                "the largest spread of its centroid across the weighted metrics (no `growth_col` "
                "given)"
            )
        x_cluster = max(candidates, key=lambda c: (signal[c], -c))
        ranked = sorted(
            (c for c in range(self.n_clusters) if c != x_cluster), key=lambda c: -cluster_value[c]
        )
        letters = string.ascii_uppercase.replace("X", "")
        self.names_ = {c: letters[i] for i, c in enumerate(ranked)}
        self.names_[x_cluster] = "X"
        self.cluster_value_ = cluster_value
        self.labels_ = np.array([self.names_[c] for c in clusters], dtype=object)
        self.cluster_ids_ = clusters
        self.value_score_ = value
        self.distance_ = np.linalg.norm(features - self.centroids_[clusters], axis=1)
        return self

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Segment names for new customers: the nearest centroid under the fitted rules."""
        features, _ = self._features(frame)
        return np.array([self.names_[c] for c in _nearest(features, self.centroids_)], dtype=object)

    # -- reporting --------------------------------------------------------------------------
    def rules(self) -> dict[str, object]:
        return {
            "transform_and_scaling": [r.describe() for r in self.rules_],
            "scaling": [asdict(r) for r in self.rules_],
            "clip": self.clip,
            "value_score": "Σ weight·z / Σ |weight| over the standardised metrics",
            "outliers": "distance to the m-th nearest neighbour beyond Q3 + 3·IQR: left out of "
            "the fit, placed in the nearest cluster, flagged",
            "kmeans": {
                "n_clusters": self.n_clusters,
                "n_init": self.n_init,
                "random_state": self.random_state,
            },
            "naming": "A, B, C, … in decreasing mean value score; " + self.x_rule_,
            "too_small": f"segments with less than {self.min_share:.0%} of customers",
        }
