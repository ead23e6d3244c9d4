"""Crossing segments with JTBD evidence: which jobs, triggers and barriers drive which segment."""

from nlp_jtbd.cross.crossing import Crossing, cross_analysis, cross_segments
from nlp_jtbd.cross.evidence import join_evidence
from nlp_jtbd.cross.jtbd_segments import jtbd_profiles
from nlp_jtbd.cross.stats import benjamini_hochberg, cross_table, two_by_two

__all__ = [
    "Crossing",
    "benjamini_hochberg",
    "cross_analysis",
    "cross_segments",
    "cross_table",
    "join_evidence",
    "jtbd_profiles",
    "two_by_two",
]
