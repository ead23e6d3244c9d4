"""Codebooks load and validate; coded examples are checked against them, naming the rows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO

from nlp_jtbd.codebook import available_codebooks, load_codebook, read_examples
from nlp_jtbd.errors import InputError, UsageError

STARTERS = REPO / "annotation_guides" / "examples"


@pytest.mark.parametrize(
    ("name", "labels"),
    [
        ("jtbd5", ["trigger", "main_job", "big_job", "barrier", "subtask", "none"]),
        ("forces4", ["push", "pull", "anxiety", "habit", "none"]),
        (
            "b2b_job_types",
            [
                "core_functional",
                "related",
                "emotional",
                "consumption_chain",
                "purchase_decision",
                "none",
            ],
        ),
        ("customer_roles", ["job_executor", "lifecycle_support", "buyer", "unknown"]),
    ],
)
def test_every_bundled_codebook_loads_with_its_labels_and_a_guide(
    name: str, labels: list[str]
) -> None:
    book = load_codebook(name)
    assert book.id == name and book.names == labels
    assert set(book.languages) >= {"ru", "en", "tr"}
    for label in book.labels:
        assert label.definition and label.use_when and label.not_when
        assert all(len(label.examples.get(lang, [])) >= 2 for lang in ("ru", "en", "tr"))
    assert (REPO / "annotation_guides" / f"{name}.md").stat().st_size > 2000
    assert name in available_codebooks()


@pytest.mark.parametrize("name", ["jtbd5", "forces4", "b2b_job_types", "customer_roles"])
def test_every_starter_set_is_valid_against_its_codebook(name: str) -> None:
    coded = read_examples(STARTERS / name, load_codebook(name))
    assert not coded.warnings
    assert set(coded.labels) == set(load_codebook(name).names)
    assert set(coded.frame["lang"]) == {"ru", "en", "tr"}


def test_the_jtbd5_starter_set_is_large_balanced_and_trilingual() -> None:
    coded = read_examples(STARTERS / "jtbd5", load_codebook("jtbd5"))
    frame = coded.frame
    assert len(frame) >= 600
    counts = frame["label"].value_counts()
    # every label within 20 % of the mean (the price sets add barriers on purpose)
    assert counts.max() <= 1.2 * counts.mean() and counts.min() >= 0.8 * counts.mean()
    assert (frame["lang"].value_counts(normalize=True) >= 0.2).all()
    assert frame["domain"].nunique() >= 6
    assert not frame["text"].duplicated().any()


def test_a_codebook_with_a_missing_field_names_the_label(write: Callable[..., Path]) -> None:
    path = write(
        "mini.yaml",
        "id: mini\nversion: 1.0.0\ntitle: Mini\nlanguages: [en]\nfallback_label: none\n"
        "labels:\n"
        "  - {name: pain, title: Pain, definition: It hurts, use_when: [x], not_when: [y]}\n"
        "  - {name: none, title: None, use_when: [x], not_when: [y]}\n",
    )
    with pytest.raises(InputError) as caught:
        load_codebook(path)
    assert "labels[1] (none).definition" in caught.value.message
    assert "Field required" in caught.value.message


def test_a_fallback_label_must_be_one_of_the_labels(write: Callable[..., Path]) -> None:
    path = write(
        "mini.yaml",
        "id: mini\nversion: 1.0.0\ntitle: Mini\nlanguages: [en]\nfallback_label: other\n"
        "labels:\n"
        "  - {name: pain, title: P, definition: d, use_when: [x], not_when: [y]}\n"
        "  - {name: gain, title: G, definition: d, use_when: [x], not_when: [y]}\n",
    )
    with pytest.raises(InputError, match="fallback_label 'other' is not one of the labels"):
        load_codebook(path)


def test_an_unknown_codebook_lists_the_known_ones() -> None:
    with pytest.raises(UsageError, match="unknown codebook 'jtbd6'") as caught:
        load_codebook("jtbd6")
    assert "jtbd5" in caught.value.fix


def test_unknown_labels_are_named_with_rows_and_a_suggestion(write: Callable[..., Path]) -> None:
    path = write(
        "coded.csv",
        "text,label\nOur courier was late again,trigger\nI want it cheaper,mainjob\n"
        "Budget is tight,Barrier\nHello,none\n",
    )
    with pytest.raises(InputError) as caught:
        read_examples(path, load_codebook("jtbd5"), min_per_label=1)
    message = caught.value.message
    assert "'mainjob' (did you mean 'main_job'?)" in message
    assert "coded.csv:3" in message
    assert "Barrier" not in message  # case and spacing are normalised, not errors


def test_empty_texts_are_an_error_naming_the_rows(write: Callable[..., Path]) -> None:
    path = write("coded.csv", "text,label\nfine text,none\n   ,trigger\n,barrier\n")
    with pytest.raises(
        InputError,
        match=r"2 coded examples have no text \(rows coded.csv:3, "
        r"coded.csv:4\)",
    ):
        read_examples(path, load_codebook("jtbd5"), min_per_label=1)


def test_too_few_examples_of_a_label_is_an_error(write: Callable[..., Path]) -> None:
    path = write("coded.csv", "text,label\na b c,none\nd e f,none\ng h i,trigger\n")
    with pytest.raises(InputError, match=r"too few examples of trigger \(1\)"):
        read_examples(path, load_codebook("jtbd5"), min_per_label=2)


def test_missing_labels_and_conflicting_codes_are_warnings(write: Callable[..., Path]) -> None:
    path = write(
        "coded.jsonl",
        '{"text": "same words", "label": "none"}\n{"text": "same words", "label": "trigger"}\n'
        '{"text": "other", "label": "none"}\n{"text": "more", "label": "trigger"}\n',
    )
    coded = read_examples(path, load_codebook("jtbd5"))
    assert any("label 'barrier' has no examples" in w for w in coded.warnings)
    assert any("2 examples repeat a text with a different label" in w for w in coded.warnings)


def test_a_file_without_a_label_column_says_which_columns_it_has(
    write: Callable[..., Path],
) -> None:
    path = write("coded.csv", "text,code\nhello,none\n")
    with pytest.raises(InputError, match="no 'label' column") as caught:
        read_examples(path, load_codebook("jtbd5"))
    assert "text, code" in caught.value.fix
