"""Synthesis: candidate jobs, triggers, barriers, big jobs and subtasks from coded utterances,
named in the customers' words, counted by customers and linked into job structures."""

from nlp_jtbd.synthesis.content import content_mask, has_content
from nlp_jtbd.synthesis.estimator import CANDIDATE_COLUMNS, Synthesis
from nlp_jtbd.synthesis.naming import ExtractiveNamer, Members, Namer, clean_phrase
from nlp_jtbd.synthesis.pipeline import SynthesisResult, synthesize
from nlp_jtbd.synthesis.structure import job_links, parse_links

__all__ = [
    "CANDIDATE_COLUMNS",
    "ExtractiveNamer",
    "Members",
    "Namer",
    "Synthesis",
    "SynthesisResult",
    "clean_phrase",
    "content_mask",
    "has_content",
    "job_links",
    "parse_links",
    "synthesize",
]
