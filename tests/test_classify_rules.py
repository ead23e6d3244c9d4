"""The codebook's rules after the model, the unsure flag, and the per-text surface features.

The fragment rule is the coding guide's (annotation_guides/jtbd5.md §7 rule 5, §3, §5 `none`):
bare fragments and backchannels carry no trigger, job, goal, barrier or step, so they are
`none` whatever the model or the interviewer's question suggests.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import REPO

from nlp_jtbd.classify import UtteranceClassifier
from nlp_jtbd.classify.linear import unsure_threshold
from nlp_jtbd.classify.ngrams import char_ngram_counts, script_group
from nlp_jtbd.classify.predict import code_utterances, predictions_frame
from nlp_jtbd.classify.rules import content_words, is_fragment
from nlp_jtbd.classify.suggest import select_uncertain_diverse
from nlp_jtbd.codebook import load_codebook, read_examples

STARTER = REPO / "annotation_guides" / "examples" / "jtbd5"
PREDICTIONS = ["utterance_id", "label", "confidence", "label_2", "score_2", "label_3", "score_3"]


@pytest.mark.parametrize(
    "text",
    [
        "Ну, для себя.",  # guide §7 rule 5
        "Forty-two people.",
        "Yeah, exactly.",
        "Mhm.",
        "Э-э, ну, не помню.",
        "Evet evet.",
        "",
    ],
)
def test_bare_fragments_and_backchannels_are_fragments(text: str) -> None:
    assert is_fragment(text)


@pytest.mark.parametrize(
    "text",
    [
        "Because of the kids.",  # a fragment the model codes `none` itself
        "It's not true.",
        ": Nobody wants to change.",
        "I need faster invoicing.",  # a job in four words
        "Хочу быстро выставлять счета.",
        "Faturaları hızlı kesmek istiyorum.",
        "Боюсь потерять всю историю.",  # a barrier in four words
        "It was the price, mostly, nothing else.",
    ],
)
def test_an_utterance_of_three_words_or_more_is_left_to_the_model(text: str) -> None:
    assert not is_fragment(text)
    assert not is_fragment("Mhm.", max_words=0)  # 0: the rule is off


def test_fillers_and_hesitations_are_not_words() -> None:
    assert content_words("Um, uh, well, yeah, I guess.") == ["yeah", "i", "guess"]
    assert content_words("Э-э, ну, не помню.") == ["не", "помню"]
    assert content_words("Şey, yani, evet.") == ["evet"]


def test_no_coded_example_of_the_codebook_or_the_starter_sets_is_a_fragment() -> None:
    """The rule never overrules a coded example: every example with content is longer."""
    book = load_codebook("jtbd5")
    texts = [t for label in book.labels for ex in label.examples.values() for t in ex]
    starter = [read_examples(STARTER / f"{lang}.csv", book).frame for lang in ("en", "ru", "tr")]
    coded = pd.concat(starter)
    texts += coded.loc[coded["label"] != "none", "text"].tolist()
    assert not [t for t in texts if is_fragment(t)]


@pytest.fixture(scope="module")
def trained() -> UtteranceClassifier:
    book = load_codebook("jtbd5")
    coded = pd.concat(
        read_examples(STARTER / f"{lang}.csv", book).frame for lang in ("en", "ru", "tr")
    )
    small = coded.groupby(["label", "lang"], group_keys=False).head(8)
    return UtteranceClassifier(book).fit(
        small["text"].tolist(), small["label"].tolist(), small["context"].tolist()
    )


def test_the_rule_decides_fragments_and_says_so(trained: UtteranceClassifier) -> None:
    texts = ["Yeah, exactly.", "Our old supplier doubled the price, so we started looking."]
    contexts = ["Why does that matter to you?", "What made you start looking?"]
    coding = trained.decide(texts, contexts)
    assert coding.rule.tolist() == ["fragment", ""]
    assert coding.probs[0].tolist() == [0, 0, 0, 0, 0, 1.0]  # classes_ end with none
    assert not coding.unsure[0]
    assert trained.predict(texts[:1], contexts[:1]) == ["none"]
    no_rule = UtteranceClassifier(fragment_words=0).fit(
        texts * 3, ["big_job", "trigger"] * 3, contexts * 3
    )
    assert no_rule.decide(texts[:1]).rule.tolist() == [""]


def test_unsure_rows_are_those_below_the_cross_validated_threshold(
    trained: UtteranceClassifier,
) -> None:
    book = load_codebook("jtbd5")
    test = read_examples(STARTER / "en.csv", book).frame.tail(60)
    coding = trained.decide(test["text"].tolist(), test["context"].tolist())
    threshold = trained.linear_.unsure_below_
    assert 0.2 < threshold < 1
    top = coding.probs.max(axis=1)
    assert (coding.unsure == ((top < threshold) & (coding.rule == ""))).all()


def test_the_threshold_is_where_accuracy_falls_below_the_target() -> None:
    confidence = np.linspace(0.2, 1.0, 81)
    correct = confidence > 0.55  # right above 0.55, wrong below
    assert unsure_threshold(confidence, correct, 0.6) == pytest.approx(0.56)
    assert unsure_threshold(confidence, np.ones(81, dtype=bool), 0.6) == pytest.approx(0.2)
    assert unsure_threshold(confidence, np.zeros(81, dtype=bool), 0.6) == 1.0


def test_a_code_does_not_depend_on_the_rest_of_the_batch(trained: UtteranceClassifier) -> None:
    """Centring uses the training set's means, never the batch's own."""
    texts = ["Мы начали искать, когда старый CRM потерял заявки.", "I want to retire at fifty."]
    alone = np.vstack([trained.predict_proba([t]) for t in texts])
    together = trained.predict_proba([*texts, "Eski sistem çok yavaştı, başka arayışa girdik."])
    np.testing.assert_allclose(together[:2], alone, rtol=1e-5, atol=1e-6)


def test_predictions_keep_their_columns_and_add_unsure_and_coder(
    trained: UtteranceClassifier,
) -> None:
    table = pd.DataFrame(
        {
            "utterance_id": ["u1", "u2"],
            "text": ["Mhm.", "We switched because the old bank froze our account twice."],
            "context": ["", "Why did you switch?"],
        }
    )
    frame = code_utterances(table, trained)
    assert list(frame.columns) == [*PREDICTIONS, "unsure", "coder"]
    assert frame["coder"].tolist() == ["rule:fragment", "model"]
    assert frame.loc[0, "label"] == "none" and not frame.loc[0, "unsure"]
    plain = predictions_frame(["a"], np.array([[0.2, 0.8]]), ["x", "y"])
    assert list(plain.columns) == PREDICTIONS[:5]


def test_suggestions_put_unsure_rows_first() -> None:
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(6), 40)
    vectors = rng.normal(size=(40, 8))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    unsure = np.zeros(40, dtype=bool)
    unsure[[3, 17, 29]] = True
    chosen = select_uncertain_diverse(probs, vectors, 10, unsure=unsure)
    assert set(chosen[:3]) == {3, 17, 29}
    assert not unsure[chosen[3:]].any()


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("Мы начали искать новый CRM.", "ru"),
        ("I've studied psychology, then fell into HR.", "en"),
        ("Eski sistem çok yavaştı.", "tr"),
        ("Dört gün, bazen üç.", "tr"),
        ("Ve bir de fiyat meselesi var.", "tr"),
    ],
)
def test_script_groups(text: str, group: str) -> None:
    assert script_group(text) == group


def test_char_ngrams_are_counted_per_text_and_never_across_texts() -> None:
    texts = ["abab", "cd", "", "ABAB"]
    counts = char_ngram_counts(texts, 2, 3)
    # abab: ab ×2, ba, aba, bab; cd: cd; lower-casing makes the last row the first
    assert counts[0].nnz == 4 and counts[1].nnz == 1 and counts[2].nnz == 0
    assert sorted(counts[0].data) == pytest.approx([1, 1, 1, 1 + np.log(2)])
    assert (counts[0] != counts[3]).nnz == 0
    both = char_ngram_counts(["abcd"], 2, 2)  # ab, bc, cd; "ab"+"cd" never makes "bc"
    assert both.nnz == 3 and counts[:2].nnz == 5
