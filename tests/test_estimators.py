"""Every estimator keeps scikit-learn's contract: ``__init__`` stores parameters, ``fit`` learns
state that ends in ``_`` and never changes the parameters, and ``clone`` gives an unfitted copy.

Real components on small data: the USE embeddings, UMAP and HDBSCAN on 80 bundled reviews (one
discovery fit for the module, plus one refit), the jtbd5 starter examples for the classifier.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLES, REPO
from sklearn.base import BaseEstimator, clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.validation import check_is_fitted

from nlp_jtbd.classify import UtteranceClassifier, cross_validate
from nlp_jtbd.classify.design import UtteranceDesign
from nlp_jtbd.classify.features import UtteranceFeaturizer
from nlp_jtbd.classify.linear import CalibratedLinear
from nlp_jtbd.codebook import CodedExamples, load_codebook, read_examples
from nlp_jtbd.discover import CentroidAssigner, Discovery, HDBSCANClusterer, UMAPReducer
from nlp_jtbd.errors import UsageError
from nlp_jtbd.segment import ABCDXSegmenter

pytestmark = pytest.mark.slow

WEIGHTS = {"ltv": 3, "avg_check": 2, "cac": -1}


def estimators() -> list[BaseEstimator]:
    """One of each, with some parameters away from their defaults."""
    return [
        Discovery(
            "use",
            min_cluster_size=4,
            random_state=7,
            reducer=UMAPReducer(n_components=3),
            clusterer=HDBSCANClusterer(min_samples=2),
            assigner=CentroidAssigner(refine_iter=1),
        ),
        UMAPReducer(n_neighbors=10, random_state=3),
        HDBSCANClusterer(min_cluster_size=5),
        CentroidAssigner(merge_threshold=0.9, max_clusters=8),
        UtteranceClassifier(
            "jtbd5", C=1.0, context_weight=0.5, ngram_weight=1.0, context_dropout=0.5
        ),
        UtteranceFeaturizer("use", context_weight=0.5),
        UtteranceDesign(ngram_weight=1.0, min_df=3),
        CalibratedLinear(C=0.5, calibration_folds=3, unsure_accuracy=0.7),
        ABCDXSegmenter(dict(WEIGHTS), n_clusters=4, growth_col="growth"),
    ]


def params(estimator: BaseEstimator) -> dict[str, object]:
    """``get_params(deep=True)`` with sub-estimators by identity and everything else by value."""
    return {
        name: ("estimator", id(value)) if isinstance(value, BaseEstimator) else value
        for name, value in estimator.get_params(deep=True).items()
    }


def same_params(a: BaseEstimator, b: BaseEstimator) -> bool:
    """Equal parameters, comparing sub-estimators by their own parameters."""
    left, right = a.get_params(deep=False), b.get_params(deep=False)
    if left.keys() != right.keys():
        return False
    for name, value in left.items():
        other = right[name]
        if isinstance(value, BaseEstimator):
            if type(value) is not type(other) or not same_params(value, other):
                return False
        elif value != other:
            return False
    return True


def fitted_state(estimator: BaseEstimator) -> list[str]:
    return [k for k in vars(estimator) if k.endswith("_") and not k.startswith("__")]


# -- construction and clone ----------------------------------------------------------------
@pytest.mark.parametrize("estimator", estimators(), ids=lambda e: type(e).__name__)
def test_init_stores_its_parameters_and_nothing_else(estimator: BaseEstimator) -> None:
    assert sorted(vars(estimator)) == sorted(estimator.get_params(deep=False))


@pytest.mark.parametrize("estimator", estimators(), ids=lambda e: type(e).__name__)
def test_clone_copies_the_parameters_into_a_new_object(estimator: BaseEstimator) -> None:
    copy = clone(estimator)
    assert copy is not estimator and type(copy) is type(estimator)
    assert same_params(copy, estimator)
    for name, value in estimator.get_params(deep=False).items():
        if isinstance(value, BaseEstimator):  # sub-estimators are cloned too
            assert copy.get_params()[name] is not value


def test_set_params_reaches_the_stages_of_discovery() -> None:
    model = Discovery(reducer=UMAPReducer(), clusterer=HDBSCANClusterer())
    model.set_params(min_cluster_size=6, reducer__n_neighbors=5, clusterer__min_samples=2)
    assert model.min_cluster_size == 6
    assert model.reducer.n_neighbors == 5 and model.clusterer.min_samples == 2


# -- Discovery --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def texts() -> list[str]:
    return pd.read_csv(EXAMPLES / "reviews" / "reviews.csv").text.tolist()[:80]


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def stages() -> dict[str, BaseEstimator]:
    """The default stages of Discovery (USE merges centres above 0.95), given explicitly."""
    return {
        "reducer": UMAPReducer(random_state=42),
        "clusterer": HDBSCANClusterer(),
        "assigner": CentroidAssigner(merge_threshold=0.95),
    }


@pytest.fixture(scope="module")
def discovery(
    texts: list[str], cache: Path, stages: dict[str, BaseEstimator]
) -> tuple[Discovery, dict[str, object]]:
    """A discovery fitted with injected stages, and its parameters before the fit."""
    model = Discovery(cache_dir=cache, random_state=42, **stages)
    before = params(model)
    return model.fit(texts), before


def test_fit_leaves_the_parameters_as_they_were(
    discovery: tuple[Discovery, dict[str, object]],
) -> None:
    model, before = discovery
    assert params(model) == before
    assert model.merge_threshold is None and model.merge_threshold_ == 0.95


def test_injected_stages_stay_unfitted_and_the_fitted_copies_live_on_the_estimator(
    discovery: tuple[Discovery, dict[str, object]], stages: dict[str, BaseEstimator]
) -> None:
    model, _ = discovery
    assert not hasattr(stages["reducer"], "embedding_")
    assert not hasattr(stages["clusterer"], "labels_")
    assert not hasattr(stages["assigner"], "centroids_")
    assert model.reducer is stages["reducer"] and model.reducer_ is not stages["reducer"]
    assert model.clusterer_ is not stages["clusterer"]
    assert model.assigner_ is not stages["assigner"]
    assert model.reducer_.embedding_.shape[0] == len(model.sample_index_)
    assert len(model.clusterer_.labels_) == len(model.sample_index_)
    assert len(model.assigner_.centroids_) == len(model.clusters_) >= 2


def test_clone_of_a_fitted_discovery_is_unfitted(
    discovery: tuple[Discovery, dict[str, object]],
) -> None:
    model, _ = discovery
    check_is_fitted(model)
    copy = clone(model)
    assert same_params(copy, model)
    assert fitted_state(copy) == [] and not hasattr(copy, "_embedder")
    with pytest.raises(NotFittedError):
        check_is_fitted(copy)
    with pytest.raises(UsageError, match="not fitted"):
        copy.transform(["anything"])
    assert copy.reducer is not model.reducer and not hasattr(copy.reducer, "embedding_")


def test_transform_of_texts_is_the_placement_of_their_vectors(
    discovery: tuple[Discovery, dict[str, object]], texts: list[str]
) -> None:
    model, _ = discovery
    new = pd.read_csv(EXAMPLES / "reviews" / "reviews.csv").text.tolist()[80:120]
    for batch in (texts, new):
        by_text = model.transform(batch)
        by_vector = model.transform([], vectors=model.embed(batch))
        for field in ("cluster_id", "nearest", "similarity", "confidence", "is_outlier"):
            assert np.array_equal(getattr(by_text, field), getattr(by_vector, field)), field
    again = model.transform(texts)  # the training texts: the placement fit made
    assert np.array_equal(again.cluster_id, model.placement_.cluster_id)
    assert np.array_equal(again.similarity, model.placement_.similarity)


def test_vectors_that_do_not_fit_the_model_are_refused(
    discovery: tuple[Discovery, dict[str, object]], texts: list[str]
) -> None:
    model, _ = discovery
    vectors = model.embed(texts[:3])
    with pytest.raises(UsageError, match="3 texts but 2 vectors"):
        model.transform(texts[:3], vectors=vectors[:2])
    with pytest.raises(UsageError, match="centres"):
        model.transform([], vectors=vectors[:, :10])


def test_none_stages_are_the_defaults_and_a_refit_is_the_same(
    discovery: tuple[Discovery, dict[str, object]], texts: list[str], cache: Path
) -> None:
    model, _ = discovery
    default = Discovery(cache_dir=cache, random_state=42).fit(texts)
    assert default.reducer is None and default.clusterer is None and default.assigner is None
    assert isinstance(default.reducer_, UMAPReducer)
    assert np.array_equal(default.placement_.cluster_id, model.placement_.cluster_id)
    assert np.array_equal(default.assigner_.centroids_, model.assigner_.centroids_)


# -- the classifier ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> CodedExamples:
    """12 starter examples of each jtbd5 label (in several languages)."""
    book = load_codebook("jtbd5")
    coded = read_examples(REPO / "annotation_guides" / "examples" / "jtbd5", book).frame
    path = tmp_path_factory.mktemp("coded") / "small.csv"
    coded.groupby("label", group_keys=False).head(12).to_csv(path, index=False)
    return read_examples(path, book)


@pytest.fixture(scope="module")
def classifier(examples: CodedExamples, cache: Path) -> tuple[UtteranceClassifier, dict]:
    model = UtteranceClassifier("jtbd5", cache_dir=cache)
    before = params(model)
    return model.fit(examples.texts, examples.labels, examples.contexts), before


def test_classifier_fit_leaves_the_parameters_as_they_were(
    classifier: tuple[UtteranceClassifier, dict],
) -> None:
    model, before = classifier
    assert params(model) == before
    assert model.codebook_examples == "auto" and model.codebook_examples_used_ is True


def test_clone_of_a_fitted_classifier_is_unfitted(
    classifier: tuple[UtteranceClassifier, dict], examples: CodedExamples
) -> None:
    model, _ = classifier
    copy = clone(model)
    assert same_params(copy, model) and fitted_state(copy) == []
    assert not hasattr(copy, "_featurizer")
    with pytest.raises(UsageError, match="not trained"):
        copy.predict(examples.texts[:2])


def test_probabilities_of_texts_are_those_of_their_features(
    classifier: tuple[UtteranceClassifier, dict], examples: CodedExamples
) -> None:
    model, _ = classifier
    texts, contexts = examples.texts[:20], examples.contexts[:20]
    by_text = model.predict_proba(texts, contexts)
    by_features = model.predict_proba(features=model.featurize(texts, contexts))
    assert np.array_equal(by_text, by_features)
    assert model.predict(texts, contexts) == model.predict(
        features=model.featurize(texts, contexts)
    )
    with pytest.raises(UsageError, match="columns"):
        model.predict_proba(features=model.featurize(texts)[:, :10])


def test_the_design_learns_from_its_training_rows_and_codes_each_row_alone(
    classifier: tuple[UtteranceClassifier, dict], examples: CodedExamples
) -> None:
    model, _ = classifier
    features = model.featurize(examples.texts, examples.contexts)
    design = UtteranceDesign().fit(features[:40])
    assert fitted_state(clone(design)) == []
    batch = design.transform(features[40:]).toarray()
    alone = np.vstack([design.transform(features[i : i + 1]).toarray() for i in (40, 41)])
    np.testing.assert_allclose(batch[:2], alone, rtol=1e-6, atol=1e-7)
    assert model.design_.n_features_in_ == features.shape[1]


def test_cross_validation_is_a_fresh_classifier_per_fold_on_the_shared_features(
    examples: CodedExamples, cache: Path
) -> None:
    model = UtteranceClassifier("jtbd5", cache_dir=cache)
    before = params(model)
    _, predicted = cross_validate(model, examples, folds=3)
    assert params(model) == before and fitted_state(model) == []  # only clones were fitted

    features = UtteranceClassifier("jtbd5", cache_dir=cache).featurize(
        examples.texts, examples.contexts
    )
    truth = np.array(examples.labels)
    expected = np.empty(len(truth), dtype=object)
    for train, test in StratifiedKFold(3, shuffle=True, random_state=42).split(features, truth):
        fold = UtteranceClassifier("jtbd5", cache_dir=cache)
        fold.fit([], list(truth[train]), features=features[train])
        expected[test] = fold.predict(features=features[test])
    assert predicted == list(expected)
    assert cross_validate(model, examples, folds=3)[1] == predicted  # deterministic


# -- ABCDX ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def customers() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 120
    return pd.DataFrame(
        {
            "customer_id": [f"C{i}" for i in range(n)],
            "ltv": rng.lognormal(11, 1, n),
            "avg_check": rng.lognormal(9, 0.6, n),
            "cac": rng.lognormal(8, 0.4, n),
            "growth": rng.normal(0, 1, n),
        }
    )


def test_segmenter_fit_changes_neither_its_parameters_nor_the_weights(
    customers: pd.DataFrame,
) -> None:
    weights = dict(WEIGHTS)
    model = ABCDXSegmenter(weights, n_clusters=4, growth_col="growth")
    before = params(model)
    model.fit(customers)
    assert params(model) == before
    assert model.weights is weights and weights == WEIGHTS
    copy = clone(model)
    assert fitted_state(copy) == [] and copy.weights == WEIGHTS and copy.weights is not weights
    assert np.array_equal(copy.fit(customers).labels_, model.labels_)
