"""Versioned codebooks (YAML in ``annotation_guides/``) and the human-coded examples they label."""

from nlp_jtbd.codebook.examples import CodedExamples, read_examples
from nlp_jtbd.codebook.schema import Codebook, Label, available_codebooks, load_codebook

__all__ = [
    "Codebook",
    "CodedExamples",
    "Label",
    "available_codebooks",
    "load_codebook",
    "read_examples",
]
