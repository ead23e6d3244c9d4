"""`jtbd train / classify / evaluate / cv / suggest / agreement` through the real CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from conftest import EXAMPLES, REPO

STARTER = REPO / "annotation_guides" / "examples" / "jtbd5"
Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture(scope="module")
def small_coded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """12 coded examples per label to train on, and 8 others per label to test on."""
    frame = pd.concat(pd.read_csv(p) for p in sorted(STARTER.glob("*.csv")))
    shuffled = frame.sample(frac=1, random_state=0)
    train = shuffled.groupby("label").head(12)
    test = shuffled.drop(train.index).groupby("label").head(8)
    folder = tmp_path_factory.mktemp("coded")
    train.to_csv(folder / "train.csv", index=False)
    test.to_csv(folder / "test.csv", index=False)
    return folder / "train.csv", folder / "test.csv"


@pytest.fixture(scope="module")
def utterances(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from nlp_jtbd.cli import main

    path = tmp_path_factory.mktemp("ingested") / "utterances.parquet"
    with pytest.raises(SystemExit) as done:
        main(["ingest", str(EXAMPLES / "interviews"), "--out", str(path), "--quiet"])
    assert done.value.code in (0, None)
    return path


def test_train_writes_a_model_with_its_card_and_cross_validation(
    cli: Cli, small_coded: tuple[Path, Path], tmp_path: Path
) -> None:
    train, test = small_coded
    code, stdout, _ = cli("train", train, "--out", tmp_path / "m", "--folds", "3", "--eval", test)
    assert code == 0, stdout
    assert "3-fold cross-validation" in stdout and "Held-out evaluation" in stdout
    card = json.loads((tmp_path / "m" / "model.json").read_text())
    assert card["training"]["examples"] == 72
    assert card["params"]["codebook_examples"] is True  # 12 per label: few-shot regime
    assert set(card["metrics"]) == {"cross_validation", "held_out"}


def test_train_refuses_evaluation_data_that_it_trains_on(
    cli: Cli, small_coded: tuple[Path, Path], tmp_path: Path
) -> None:
    train, _ = small_coded
    code, _, stderr = cli("train", train, "--out", tmp_path / "m", "--folds", "0", "--eval", train)
    assert code == 2
    assert "also in the training examples" in stderr


def test_classify_codes_respondent_utterances_with_the_shipped_model(
    cli: Cli, utterances: Path, tmp_path: Path
) -> None:
    code, stdout, stderr = cli("classify", utterances, "--out", tmp_path / "codes.csv")
    assert code == 0, stderr
    codes = pd.read_csv(tmp_path / "codes.csv")
    table = pd.read_parquet(utterances)
    respondents = table[table["role"] != "interviewer"]
    assert len(codes) == len(respondents)
    assert list(codes.columns) == [
        "utterance_id",
        "label",
        "confidence",
        "label_2",
        "score_2",
        "label_3",
        "score_3",
        "unsure",
        "coder",
    ]
    assert set(codes["label"]) <= {"trigger", "main_job", "big_job", "barrier", "subtask", "none"}
    assert (codes["confidence"] >= codes["score_2"]).all()
    assert codes["label"].nunique() >= 4
    assert "Coded" in stdout


def test_classify_accepts_a_plain_csv_with_a_text_column(cli: Cli, write: Callable) -> None:
    path = write(
        "plain.csv",
        "text\nWe started looking after the old CRM lost two weeks of leads.\n"
        "Honestly I just want my evenings back.\n",
    )
    out = path.parent / "codes.jsonl"
    code, _, stderr = cli("classify", path, "--out", out, "-q")
    assert code == 0, stderr
    codes = pd.read_json(out, lines=True)
    assert codes["utterance_id"].tolist() == ["row-1", "row-2"]


def test_evaluate_prints_the_metrics_as_json(cli: Cli, small_coded: tuple[Path, Path]) -> None:
    _, test = small_coded
    code, stdout, _ = cli("evaluate", test)
    assert code == 0
    report = json.loads(stdout)
    assert {"macro_f1", "accuracy", "kappa", "per_label", "confusion"} <= set(report)
    assert report["n"] == 48
    assert report["macro_f1"] > 0.5
    assert set(report["per_language"]) == {"en", "ru", "tr"}


def test_cv_cross_validates_any_codebook(cli: Cli) -> None:
    starter = REPO / "annotation_guides" / "examples" / "customer_roles" / "starter.csv"
    code, stdout, _ = cli("cv", starter, "--codebook", "customer_roles", "--folds", "3")
    assert code == 0
    report = json.loads(stdout)
    assert report["codebook"].startswith("customer_roles@")
    assert report["all"]["n"] == 80
    assert report["all"]["macro_f1"] > 0.5


def test_cv_with_too_few_examples_per_label_says_how_many(cli: Cli, write: Callable) -> None:
    path = write(
        "few.csv",
        "text,label\n"
        + "".join(
            f"sentence {i} about things,{label}\n"
            for i, label in enumerate(["none"] * 5 + ["trigger"] * 2)
        ),
    )
    code, _, stderr = cli("cv", path, "--folds", "5")
    assert code == 2
    assert "too few examples of trigger (2)" in stderr


def test_suggest_picks_uncertain_and_different_utterances(
    cli: Cli, utterances: Path, tmp_path: Path
) -> None:
    out = tmp_path / "to_code.csv"
    code, _, stderr = cli("suggest", utterances, "-n", "10", "--out", out)
    assert code == 0, stderr
    picked = pd.read_csv(out, keep_default_na=False)
    assert len(picked) == 10
    assert picked["utterance_id"].is_unique and picked["text"].is_unique
    assert (picked["label"] == "").all()  # a column for the coder to fill in
    assert picked["uncertainty"].min() > 0.3


def test_agreement_between_two_coders(cli: Cli, write: Callable) -> None:
    a = write("a.csv", "example_id,label\n1,trigger\n2,barrier\n3,none\n4,none\n5,main_job\n")
    b = write("b.csv", "example_id,label\n1,trigger\n2,trigger\n3,none\n4,none\n6,none\n")
    code, stdout, _ = cli("agreement", a, b)
    assert code == 0
    report = json.loads(stdout)
    assert report["n"] == 4
    assert report["percent_agreement"] == 0.75
    assert report["unpaired"] == {"a.csv": 1, "b.csv": 1}
    assert {"kappa", "alpha", "per_label"} <= set(report)


def test_agreement_with_labels_outside_the_codebook_is_an_error(cli: Cli, write: Callable) -> None:
    a = write("a.csv", "example_id,label\n1,trigger\n2,pain\n")
    b = write("b.csv", "example_id,label\n1,trigger\n2,none\n")
    code, _, stderr = cli("agreement", a, b)
    assert code == 2
    assert "coding A uses labels not in jtbd5" in stderr and "pain" in stderr


def test_classify_with_a_missing_model_lists_the_shipped_ones(cli: Cli, utterances: Path) -> None:
    code, _, stderr = cli("classify", utterances, "--model", "nope", "--out", "x.csv")
    assert code == 2
    assert "no trained model at 'nope'" in stderr and "jtbd5" in stderr
