"""One analysis engine: `jtbd analyze` and ``run_analysis`` called from Python write exactly the
golden snapshot taken before the engine moved out of the command line (tests/golden.py; the API's
analysis jobs are held to it in test_api_golden.py)."""

from __future__ import annotations

from pathlib import Path

from golden import differences, golden, snapshot

from nlp_jtbd.analysis import (
    AnalysisFolder,
    AnalysisInputs,
    AnalysisSettings,
    Progress,
    run_analysis,
    stages_of,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
INPUTS = AnalysisInputs(
    paths=(EXAMPLES / "interviews", EXAMPLES / "reviews"),
    meta=EXAMPLES / "interviews" / "manifest.csv",
    metrics=EXAMPLES / "metrics" / "customers.csv",
)


def test_jtbd_analyze_reproduces_the_golden_snapshot(bundled_analysis: Path) -> None:
    expected = golden()
    actual = snapshot(bundled_analysis)
    # Other tests may add files to the shared folder; what analyze wrote must be as it was.
    assert differences({k: v for k, v in actual.items() if k in expected}, expected) == []


def test_run_analysis_from_python_reproduces_the_golden_snapshot(tmp_path: Path) -> None:
    class Recorder(Progress):
        def __init__(self) -> None:
            self.events: list[tuple[str, str]] = []

        def started(self, stage: str, index: int, total: int) -> None:
            self.events.append(("started", stage))

        def finished(self, stage: str, seconds: float) -> None:
            self.events.append(("finished", stage))

    recorder = Recorder()
    settings = AnalysisSettings(seed=42, growth_col="tenure")
    result = run_analysis(
        INPUTS, settings, tmp_path / "analysis", recorder, cache_dir=tmp_path / "cache"
    )

    assert differences(snapshot(tmp_path / "analysis"), golden()) == []
    stages = stages_of(INPUTS)
    assert stages == (
        "ingest", "discover", "classify", "synthesize", "abcdx", "cross", "report",
    )  # fmt: skip
    assert recorder.events == [(e, s) for s in stages for e in ("started", "finished")]
    assert result.report == AnalysisFolder(tmp_path / "analysis").report_path
    assert result.crossing is not None and result.crossing.customers > 0
    assert result.summary["analyze"]["seconds"].keys() == set(stages)
