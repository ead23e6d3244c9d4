"""The analysis: the folder it owns, its settings, and ``run_analysis`` that runs the stages."""

from nlp_jtbd.analysis.evidence import label_utterances
from nlp_jtbd.analysis.folder import Analysis, AnalysisFolder
from nlp_jtbd.analysis.run import (
    AnalysisInputs,
    AnalysisResult,
    Progress,
    run_analysis,
    stages_of,
)
from nlp_jtbd.analysis.settings import DEFAULT_WEIGHTS, AnalysisSettings

__all__ = [
    "DEFAULT_WEIGHTS",
    "Analysis",
    "AnalysisFolder",
    "AnalysisInputs",
    "AnalysisResult",
    "AnalysisSettings",
    "Progress",
    "label_utterances",
    "run_analysis",
    "stages_of",
]
