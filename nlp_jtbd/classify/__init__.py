"""Coding utterances with a codebook: a classifier trained on human-coded examples."""

from nlp_jtbd.classify.context import interview_context
from nlp_jtbd.classify.evaluate import cross_validate, evaluate
from nlp_jtbd.classify.metrics import agreement, classification_report, krippendorff_alpha
from nlp_jtbd.classify.model import UtteranceClassifier
from nlp_jtbd.classify.store import load_classifier, save_classifier

__all__ = [
    "UtteranceClassifier",
    "agreement",
    "classification_report",
    "cross_validate",
    "evaluate",
    "interview_context",
    "krippendorff_alpha",
    "load_classifier",
    "save_classifier",
]
