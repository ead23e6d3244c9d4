"""Sentence text as people would quote it: transcription markup out, spacing tidied.

Offsets keep pointing at the verbatim source; only the ``text`` column is tidied.
"""

from __future__ import annotations

import re

# Non-speech annotations written by transcription tools and services.
_CURLY_TAG = re.compile(r"\{\s*[\w\s-]{1,30}\}")  # {vocalsound}, {disfmarker} (AMI, ICSI)
_EVENT = re.compile(
    r"[\[(]\s*(?:"
    r"inaudible|unintelligible|crosstalk|laughs?|laughter|laughing|pause|silence|noise|music|"
    r"coughs?|sighs?|applause|background noise|indiscernible|overlapping|cross-talk|"
    r"неразборчиво|смех|смеётся|смеется|пауза|шум|кашель|неразб\.?|"
    r"anlaşılmıyor|anlaşılmaz|gülüyor|gülüşmeler|kahkaha|sessizlik|duraklama|es"
    r")(?:[\s:,-]*[\d:.]+)?\s*[\])]",
    re.IGNORECASE,
)
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?…])(?=\s|$)")
_WHITESPACE = re.compile(r"\s+")


def tidy(text: str) -> str:
    """``"{vocalsound} Okay , that's fine ."`` → ``"Okay, that's fine."``."""
    text = _CURLY_TAG.sub(" ", text)
    text = _EVENT.sub(" ", text)
    text = _WHITESPACE.sub(" ", text).strip()
    return _SPACE_BEFORE_PUNCT.sub(r"\1", text)


def is_speech(text: str) -> bool:
    """False for what is left of pure markup: ``"."``, ``"-"``, ``""``."""
    return any(ch.isalnum() for ch in text)
