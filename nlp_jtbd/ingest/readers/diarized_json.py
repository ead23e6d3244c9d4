"""Diarized JSON from speech-to-text tools → speaker turns, plain text, metadata, language.

The layouts (WhisperX, Whisper, AssemblyAI, Deepgram, Rev, QMSum, a bare list of segments) are
read in :mod:`json_formats`; turns and sentence timings are built in :mod:`json_segments`.
Nothing is dropped silently: the tool's own full text is compared with what the segments hold,
and a metadata field too long for a column is reported instead of copied into every row.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from nlp_jtbd.ingest.model import Turn
from nlp_jtbd.ingest.readers.json_fields import Layout, language_code
from nlp_jtbd.ingest.readers.json_formats import read_layout
from nlp_jtbd.ingest.readers.json_segments import build_turns, norm_token
from nlp_jtbd.ingest.readers.json_text import MAX_DEPTH, parse_json_text

__all__ = ["MAX_DEPTH", "ParsedJSON", "parse_diarized", "parse_json_text"]

_META_KEYS = ("metadata", "meta", "info", "document")
_LANG_KEYS = ("language", "lang", "language_code")
_LONGEST_FIELD = 200  # characters a metadata value may have before it counts as left-out text


@dataclass
class ParsedJSON:
    turns: list[Turn]
    source_text: str
    metadata: dict[str, str]
    lang: str | None
    warnings: list[str]


def parse_diarized(data: object) -> ParsedJSON:
    """Read a parsed diarized JSON (see :func:`parse_json_text`).

    ``source_text`` is the segment texts joined by newlines, then, one per line, any text the
    JSON holds outside the segments (reported in ``warnings``), so that a coverage count over
    it sees what was left out.
    """
    layout = read_layout(data)
    left_out: list[str] = []
    metadata, lang, meta_warnings = _metadata(layout.rest, left_out)
    built = build_turns(layout.segments)
    warnings = [*layout.warnings, *built.warnings, *meta_warnings]
    missing = _missing_words(layout)
    if missing:
        size = sum(len(t) + 1 for t in missing) - 1
        sample = " ".join(missing[:8]) + (" …" if len(missing) > 8 else "")
        warnings.append(
            f"the JSON's full transcript ('{layout.reference_key}') has {len(missing):,} words "
            f"({size:,} characters) that are in no segment and were not read, e.g. '{sample}'"
        )
        left_out.append(" ".join(missing))
    source_text = "\n".join([built.source_text, *left_out])
    return ParsedJSON(built.turns, source_text, metadata, layout.lang or lang, warnings)


def _metadata(
    rest: dict[str, object], left_out: list[str]
) -> tuple[dict[str, str], str | None, list[str]]:
    """Scalars of the top level and of a ``metadata`` object, and a language code; a text
    field too long for a column goes to ``left_out`` with a warning."""
    metadata: dict[str, str] = {}
    warnings: list[str] = []
    lang = None

    def keep(key: str, value: object, where: str) -> None:
        if not isinstance(value, str | int | float | bool):
            return
        text = str(value)
        if "\n" in text.strip() or len(text) > _LONGEST_FIELD:
            warnings.append(
                f"the field '{where}' holds {len(text):,} characters of text that is not in any "
                "segment; it is too long for a metadata column and was left out"
            )
            left_out.append(" ".join(text.split()))
        else:
            metadata[str(key)] = text

    for key, value in rest.items():
        if key in _META_KEYS and isinstance(value, dict):
            for inner, item in value.items():
                keep(str(inner), item, f"{key}.{inner}")
        elif key in _LANG_KEYS and isinstance(value, str):
            lang = language_code(value) or lang
        else:
            keep(key, value, key)
    return metadata, lang, warnings


def _missing_words(layout: Layout) -> list[str]:
    """Words of the tool's full text that no segment holds (compared as a bag of words)."""
    if not layout.reference or not layout.reference.strip():
        return []
    have = Counter(norm_token(t) for s in layout.segments for t in s.text.split())
    missing: list[str] = []
    for token in layout.reference.split():
        key = norm_token(token)
        if not key:
            continue
        if have[key] > 0:
            have[key] -= 1
        else:
            missing.append(token)
    return missing
