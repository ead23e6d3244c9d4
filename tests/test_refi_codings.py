"""Human codings from a REFI-QDA project, as another tool writes them, into training data and
agreement; and our own export read back as training data.

The fixture ``tests/data/refi/two_coders`` is a project as MAXQDA writes one (lower-case
``sources`` folder, nested codes, one user per coder), made by hand from the standard: an
interview and two reviews coded by Anna and Ben, with emoji, a selection over two sentences,
one over most of a sentence, one across a sentence boundary, two codes on one sentence and a
code that maps to nothing. ``two_coders_map.yaml`` maps its codes onto jtbd5.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO
from sklearn.metrics import cohen_kappa_score

from nlp_jtbd.codebook import load_codebook
from nlp_jtbd.errors import InputError, UsageError
from nlp_jtbd.export.refi import read_qdpx, write_qdpx
from nlp_jtbd.export.refi.codings import coded_examples, read_codings

Cli = Callable[..., tuple[int, str, str]]
DATA = REPO / "tests" / "data" / "refi"
CODE_MAP = DATA / "two_coders_map.yaml"
MAP = {
    "Main job": "main_job",
    "Pain points": "barrier",
    "Triggers": "trigger",
    "Big picture": "big_job",
    "Subtasks": "subtask",
    "Off-topic": "none",
    "Problems": None,
}


@pytest.fixture(scope="module")
def two_coders(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture folder zipped into a .qdpx."""
    folder = DATA / "two_coders"
    path = tmp_path_factory.mktemp("qdpx") / "clinic.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(folder).as_posix())
    return path


def _labels(path: Path, coder: str) -> dict[str, str]:
    codings = read_codings(path, load_codebook("jtbd5"), MAP)
    frame = codings.coder_labels(coder)
    return dict(zip(frame["text"], frame["label"], strict=True))


def test_another_tools_selections_land_on_their_text_emoji_included(two_coders: Path) -> None:
    project = read_qdpx(two_coders)
    assert set(project["users"].values()) == {"Anna", "Ben"}
    assert project["codes"][next(iter(project["codes"]))]["color"]
    pains = {c["text"] for c in project["codings"] if c["code"] == "Pain points"}
    assert "Otherwise half of them forgot 🙏 and the chair stayed empty." in pains
    assert "The delivery reports are confusing though 😕." in pains
    nested = {c["path"] for c in project["codes"].values()}
    assert "Problems/Pain points" in nested


def test_selections_become_the_sentences_they_cover(two_coders: Path) -> None:
    anna, ben = _labels(two_coders, "Anna"), _labels(two_coders, "Ben")
    # one selection over two sentences labels both
    assert anna["Our old SMS gateway kept failing on weekends."] == "barrier"
    assert anna["Nobody could tell us why."] == "barrier"
    # a selection over most of a sentence labels the whole sentence
    whole = "Honestly, I want to run a calm clinic where nothing falls through the cracks."
    assert anna[whole] == ben[whole] == "big_job"
    # Ben's selection across a boundary covers too little of either sentence to label them
    assert ben["I needed every patient to get a reminder the day before."] == "main_job"
    assert ben["Otherwise half of them forgot 🙏 and the chair stayed empty."] == "barrier"
    codings = read_codings(two_coders, load_codebook("jtbd5"), MAP)
    assert codings.report["cut"] == 2 and codings.report["multi_sentence_selections"] == 1
    units = codings.units.drop_duplicates("unit_id").set_index("text")
    # speakers and the interviewer's question before the answer
    answer = units.loc["I needed every patient to get a reminder the day before."]
    assert answer["speaker"] == "Maria"
    assert answer["context"] == "What were you trying to get done when you started looking?"
    assert units.loc["Nobody could tell us why.", "context"] == "What happened next?"
    assert units.loc[whole, "context"] == ""  # the line before is Maria's own


def test_unmapped_and_overlapping_codes_are_reported(two_coders: Path) -> None:
    codings = read_codings(two_coders, load_codebook("jtbd5"), MAP)
    assert codings.report["unmapped"] == {"Nice quotes": 1}
    [conflict] = codings.report["conflicts"]  # Anna: Pain points and Triggers on one sentence
    assert conflict["coder"] == "Anna" and conflict["labels"] == ["barrier", "trigger"]
    assert "Otherwise half of them forgot" not in " ".join(_labels(two_coders, "Anna"))


def test_agreement_of_two_coders_of_one_project(cli: Cli, two_coders: Path) -> None:
    code, stdout, stderr = cli(
        "agreement", two_coders, "--coder", "Anna", "--coder", "Ben", "--code-map", CODE_MAP
    )
    assert code == 0, stderr
    report = json.loads(stdout)
    anna, ben = _labels(two_coders, "Anna"), _labels(two_coders, "Ben")
    both = sorted(set(anna) & set(ben))
    assert report["n"] == len(both) == 15
    assert report["unpaired"] == {"Anna": 1, "Ben": 1}
    expected = cohen_kappa_score([anna[t] for t in both], [ben[t] for t in both])
    assert report["kappa"] == pytest.approx(expected, abs=1e-3)
    assert report["per_label"]["barrier"]["kappa"] == 1.0  # they agree on every pain point


def test_a_project_from_another_tool_trains_a_model(
    cli: Cli, two_coders: Path, tmp_path: Path
) -> None:
    code, stdout, stderr = cli(
        "train", two_coders, "--codebook", "jtbd5", "--code-map", CODE_MAP,
        "--folds", "0", "--out", tmp_path / "model",
    )  # fmt: skip
    assert code == 0, stderr
    assert "coders: Anna, Ben" in stdout
    assert "Nice quotes" in stderr  # the unmapped code is named
    card = json.loads((tmp_path / "model" / "model.json").read_text())
    # 17 sentences coded, less the two Anna and Ben labelled differently (Ben's label stands
    # where Anna's two labels conflict)
    assert card["training"]["examples"] == 15


def test_codes_that_map_to_nothing_are_explained(two_coders: Path, tmp_path: Path) -> None:
    book = load_codebook("jtbd5")
    with pytest.raises(InputError, match="Pain points"):
        coded_examples(two_coders, book, {"Main job": None, "Off-topic": None})
    bad = tmp_path / "map.yaml"
    bad.write_text("Pain points: pain\n")
    with pytest.raises(UsageError, match="pain"):
        coded_examples(two_coders, book, bad)
    with pytest.raises(UsageError, match="Anna"):
        coded_examples(two_coders, book, MAP, coders=["Carol"])


def test_our_export_read_back_as_training_data_gives_the_same_codes(
    bundled_analysis: Path, tmp_path: Path
) -> None:
    exported = write_qdpx(bundled_analysis, tmp_path / "ours.qdpx")
    examples, codings = coded_examples(exported, load_codebook("jtbd5"))
    assert codings.report["conflicts"] == [] and codings.report["cut"] == 0
    utterances = pd.read_parquet(bundled_analysis / "utterances.parquet")
    predictions = pd.read_csv(bundled_analysis / "predictions.csv", dtype=str)
    expected = predictions[["utterance_id", "label"]].merge(
        utterances[["utterance_id", "text"]], on="utterance_id"
    )
    expected = dict(zip(expected["text"], expected["label"], strict=False))
    got = dict(zip(examples.frame["text"], examples.frame["label"], strict=True))
    assert got == expected  # every utterance back, with its label


def test_agreement_of_a_coder_with_the_model(
    cli: Cli, bundled_analysis: Path, tmp_path: Path
) -> None:
    exported = write_qdpx(bundled_analysis, tmp_path / "ours.qdpx")
    model = next(u for u in read_qdpx(exported)["users"].values() if "model" in u)
    code, stdout, stderr = cli("agreement", exported, bundled_analysis, "--coder", model)
    assert code == 0, stderr
    report = json.loads(stdout)
    assert report["n"] > 1000 and report["percent_agreement"] == 1.0
