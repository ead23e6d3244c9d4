"""Which layout a speech-to-text JSON has, and its segments.

- WhisperX / Whisper / faster-whisper: ``{"segments": [{start, end, text, speaker, words}]}``
  (seconds), or a bare list of such segments.
- AssemblyAI, Deepgram, Rev: see :mod:`json_vendors`.
- Meeting corpora and home-made lists: ``meeting_transcripts``, ``transcript``, ``results``;
  AssemblyAI's sentence and paragraph exports (``sentences``, ``paragraphs``; milliseconds).
- Any of these wrapped one level down: ``{"project": "…", "transcript": {"segments": […]}}``.
"""

from __future__ import annotations

from nlp_jtbd.errors import InputError
from nlp_jtbd.ingest.readers.json_fields import (
    SUPPORTED,
    TEXT_KEYS,
    Layout,
    first,
    read_segments,
    without,
)
from nlp_jtbd.ingest.readers.json_vendors import assemblyai, deepgram, is_assemblyai, rev

_LIST_KEYS = (
    "segments",
    "utterances",
    "monologues",
    "meeting_transcripts",
    "transcript",
    "results",
)


def read_layout(data: object, depth: int = 0) -> Layout:
    """Find the layout of a parsed JSON and read its segments."""
    if isinstance(data, list):
        if data and isinstance(data[0], dict) and isinstance(data[0].get("elements"), list):
            return rev({"monologues": data})  # Rev monologues without their wrapper
        return read_segments(data, "segments", {})
    if not isinstance(data, dict):
        raise InputError(
            f"the JSON top level is a {type(data).__name__}, not a transcript",
            where="top level",
            fix=f"export the transcript as JSON with speakers and times; supported: {SUPPORTED}",
        )
    results = data.get("results")
    if isinstance(results, dict) and ("channels" in results or "utterances" in results):
        return deepgram(data, results)
    if isinstance(data.get("monologues"), list):
        return rev(data)
    if is_assemblyai(data):
        return assemblyai(data)
    for key in _LIST_KEYS:
        if isinstance(data.get(key), list):
            return read_segments(data[key], key, without(data, key))
    if depth == 0:  # one wrapper level: {"transcript": {...}}, {"data": [...]}
        for key, value in data.items():
            if isinstance(value, dict | list) and value and _known(value):
                layout = read_layout(value, depth + 1)
                layout.rest = {**without(data, key), **layout.rest}
                return layout
    found = ", ".join(f"'{k}'" for k in list(data)[:15]) + (" …" if len(data) > 15 else "")
    raise InputError(
        "the JSON is not a transcript layout this reader knows",
        where="top level",
        fix=f"found the keys {found or '(none)'}; supported: {SUPPORTED}",
    )


def _known(value: object) -> bool:
    if isinstance(value, list):
        return (
            bool(value) and isinstance(value[0], dict) and first(value[0], TEXT_KEYS)[1] is not None
        )
    assert isinstance(value, dict)
    results = value.get("results")
    return (
        any(isinstance(value.get(k), list) for k in _LIST_KEYS)
        or (isinstance(results, dict) and "channels" in results)
        or is_assemblyai(value)
    )
