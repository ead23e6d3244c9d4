"""Customer segmentation: ABCDX value segments from weighted metrics, and their profiles."""

from nlp_jtbd.segment.abcdx import ABCDXSegmenter, ScalingRule
from nlp_jtbd.segment.metrics import check_metrics, parse_weights
from nlp_jtbd.segment.profiles import MARKET_COLUMNS, profile_segments, segment_order

__all__ = [
    "MARKET_COLUMNS",
    "ABCDXSegmenter",
    "ScalingRule",
    "check_metrics",
    "parse_weights",
    "profile_segments",
    "segment_order",
]
