"""``jtbd analyze``: every stage into one analysis folder, through ``run_analysis``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nlp_jtbd.analysis import AnalysisInputs, AnalysisSettings, run_analysis
from nlp_jtbd.cli.console import out, print_json
from nlp_jtbd.cli.options import (
    FitSampleOption,
    GrowthOption,
    IdColOption,
    IncludeInterviewerOption,
    InterviewerOption,
    JsonOption,
    LLMModelOption,
    LLMModeOption,
    LLMTimeoutOption,
    LLMUrlOption,
    MaxCandidatesOption,
    MinClusterSizeOption,
    QuietOption,
    RespondentOption,
    SchedulerOption,
    SpeakersOption,
    WeightsOption,
    llm_coder,
    validated,
)
from nlp_jtbd.cli.progress import StageProgress
from nlp_jtbd.cli.segment import print_findings
from nlp_jtbd.scheduler import scheduler_address

EPILOG = (
    "**Example**\n\n  jtbd analyze examples/interviews examples/reviews --meta "
    "examples/interviews/manifest.csv --metrics examples/metrics/customers.csv --growth-col "
    "tenure --out work/analysis\n\n"
    "  jtbd analyze examples/interviews --meta examples/interviews/manifest.csv "
    "--max-candidates 8 --out work/analysis"
)


def analyze(
    inputs: Annotated[list[Path], typer.Argument(help="Transcripts and review files or folders.")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Analysis folder.")],
    meta: Annotated[Path | None, typer.Option(help="Per-file metadata CSV (customer_id…).")] = None,
    interviewer: InterviewerOption = None,
    respondents: RespondentOption = None,
    speakers: SpeakersOption = None,
    metrics: Annotated[
        Path | None, typer.Option(help="Customer metrics for ABCDX (then also cross).")
    ] = None,
    weights: WeightsOption = None,
    id_col: IdColOption = "customer_id",
    growth_col: GrowthOption = None,
    model: Annotated[str, typer.Option(help="Embeddings for discovery.")] = "use",
    classifier: Annotated[
        str | None, typer.Option(help="Trained classifier (default: shipped jtbd5).")
    ] = None,
    min_cluster_size: MinClusterSizeOption = None,
    max_candidates: MaxCandidatesOption = None,
    fit_sample: FitSampleOption = 30_000,
    include_interviewer: IncludeInterviewerOption = False,
    scheduler: SchedulerOption = None,
    llm_url: LLMUrlOption = None,
    llm_model: LLMModelOption = None,
    llm_mode: LLMModeOption = "unsure",
    llm_timeout: LLMTimeoutOption = 60.0,
    seed: Annotated[int, typer.Option(help="Random seed for every stage.")] = 42,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Ingest → discover → classify → synthesize (→ abcdx → cross with --metrics) →
    report.html, in one folder: candidate jobs, triggers and barriers in candidates.csv. The
    transcripts' speakers and roles are in speakers.csv there: correct a role and
    pass the file back with --speakers. Exit code 0: everything read; 1: some files could not
    be read (their problems are printed; the analysis is of the others); 2: nothing could be
    done."""
    settings = validated(
        AnalysisSettings,
        "analyze",
        model=model,
        classifier=classifier,
        seed=seed,
        interviewers=tuple(interviewer or ()),
        respondents=tuple(respondents or ()),
        include_interviewer=include_interviewer,
        min_cluster_size=min_cluster_size,
        max_candidates=max_candidates,
        fit_sample=fit_sample,
        weights=weights,
        id_col=id_col,
        growth_col=growth_col,
    )
    result = run_analysis(
        AnalysisInputs(paths=tuple(inputs), meta=meta, metrics=metrics, speakers=speakers),
        settings,
        out_dir,
        StageProgress(quiet or as_json),
        scheduler=scheduler_address(scheduler),
        llm=llm_coder(llm_url, llm_model, llm_mode, llm_timeout, "jtbd5"),
    )
    if as_json:
        print_json(result.summary["analyze"] | {"out": str(out_dir)})
    elif not quiet:
        if result.crossing is not None:
            print_findings(result.crossing, out_dir)
        out.print(f"Analysis written to [bold]{out_dir}[/bold]")
        if result.ingest is not None and result.ingest.speakers:
            out.print(
                f"Speakers and roles: [bold]{result.folder.path('speakers')}[/bold] (correct a "
                "role there and pass it back with --speakers)"
            )
        out.print(f"Report: [bold]{result.report}[/bold]")
    if result.ingest is not None and not result.ingest.ok:
        raise typer.Exit(1)  # some files could not be read: the analysis is of the others


COMMANDS = [(analyze, EPILOG)]
