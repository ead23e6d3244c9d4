"""Diarized JSON from speech-to-text tools.

Accepted shapes: a list of segments; ``{"segments": [...]}`` (WhisperX, faster-whisper),
``{"utterances": [...]}`` (AssemblyAI, milliseconds), ``{"monologues": [...]}`` (Rev),
``{"meeting_transcripts": [...]}`` (QMSum/AMI). Segment fields are matched by common names
(``speaker``/``speaker_label``, ``text``/``content``, ``start``/``start_time``…). Other top-level
scalars and a ``metadata`` object become document metadata.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from nlp_jtbd.errors import InputError
from nlp_jtbd.ingest import speakers
from nlp_jtbd.ingest.model import Piece, Turn

_LIST_KEYS = (
    "segments",
    "utterances",
    "monologues",
    "meeting_transcripts",
    "transcript",
    "results",
)
_SPEAKER = (
    "speaker",
    "speaker_label",
    "speaker_name",
    "speaker_id",
    "spk",
    "spk_id",
    "name",
    "role",
)
_TEXT = ("text", "content", "transcript", "utterance", "sentence")
_START = ("start", "start_time", "start_s", "startTime", "begin", "from", "start_ms")
_END = ("end", "end_time", "end_s", "endTime", "to", "end_ms")
_META_KEYS = ("metadata", "meta", "info", "document")
_LANG_KEYS = ("language", "lang", "language_code")


@dataclass
class ParsedJSON:
    turns: list[Turn]
    source_text: str
    metadata: dict[str, str]
    lang: str | None
    warnings: list[str]


def _first(segment: dict, keys: tuple[str, ...]) -> tuple[str | None, object]:
    for key in keys:
        if key in segment and segment[key] is not None:
            return key, segment[key]
    return None, None


def _segments(data: object) -> tuple[list, str | None, dict]:
    if isinstance(data, list):
        return data, None, {}
    if isinstance(data, dict):
        for key in _LIST_KEYS:
            if isinstance(data.get(key), list):
                rest = {k: v for k, v in data.items() if k != key}
                return data[key], key, rest
        raise InputError(
            "the JSON has no list of segments",
            where="top level",
            fix="expected a list of {speaker, start, end, text} objects or an object with a "
            f"'segments' list (also accepted: {', '.join(_LIST_KEYS[1:])}); found keys: "
            f"{', '.join(list(data)[:10])}",
        )
    raise InputError(
        f"the JSON top level is a {type(data).__name__}, not a list of segments",
        fix="export the transcript as diarized JSON with speaker, start, end and text per segment",
    )


def parse_json_text(text: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"malformed JSON: {exc.msg}",
            where=f"line {exc.lineno}, column {exc.colno}",
            fix="the file may be truncated or hand-edited; validate it with a JSON linter",
        ) from exc


def parse_diarized(data: object) -> ParsedJSON:
    segments, list_key, rest = _segments(data)
    warnings: list[str] = []
    metadata: dict[str, str] = {}
    lang = None
    for key, value in rest.items():
        if key in _META_KEYS and isinstance(value, dict):
            metadata.update({str(k): str(v) for k, v in value.items() if _is_scalar(v)})
        elif key in _LANG_KEYS and isinstance(value, str):
            lang = value.lower()[:2]
        elif _is_scalar(value):
            metadata[str(key)] = str(value)
    in_ms = list_key == "utterances"  # AssemblyAI reports milliseconds
    parts: list[str] = []
    pos = 0
    turns: list[Turn] = []
    missing_speaker = 0
    for index, segment in enumerate(segments, start=1):
        loc = f"segment {index}"
        if not isinstance(segment, dict):
            raise InputError(
                f"segment {index} is a {type(segment).__name__}, not an object",
                where=loc,
                fix="each segment must be an object with speaker, start, end and text",
            )
        _, text = _first(segment, _TEXT)
        if text is None and isinstance(segment.get("elements"), list):  # Rev monologues
            text = "".join(str(e.get("value", "")) for e in segment["elements"])
        if text is None:
            warnings.append(f"{loc}: no text field ({', '.join(_TEXT)}); skipped an empty segment")
            continue
        text = str(text).strip()
        if not text:
            continue
        _, speaker = _first(segment, _SPEAKER)
        if speaker is None:
            missing_speaker += 1
            speaker = "unknown"
        start_key, start = _first(segment, _START)
        end_key, end = _first(segment, _END)
        scale = 1000.0 if in_ms or (start_key or "").endswith("ms") else 1.0
        start_s = _number(start, scale, loc, warnings)
        end_s = _number(
            end, 1000.0 if in_ms or (end_key or "").endswith("ms") else 1.0, loc, warnings
        )
        name = str(speaker).strip()
        if parts:
            parts.append("\n")
            pos += 1
        piece = Piece(text, pos, pos + len(text), loc, start_s, end_s, " ")
        parts.append(text)
        pos += len(text)
        hint = None
        if len(speakers.normalise_label(name)) > 1 and not speakers.is_anonymous(name):
            hint = speakers.role_from_label(name)
        turns.append(
            Turn(speaker=speakers.speaker_name(name), pieces=[piece], role_hint=hint, label=name)
        )
    if missing_speaker:
        warnings.append(
            f"{missing_speaker} segments have no speaker field; they are attributed to 'unknown'"
        )
    if not turns:
        raise InputError(
            "the JSON contains no segment with text",
            fix="check that the speech-to-text export finished and includes the transcript text",
        )
    return ParsedJSON(turns, "".join(parts), metadata, lang, warnings)


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | int | float | bool)


def _number(value: object, scale: float, loc: str, warnings: list[str]) -> float | None:
    if value is None:
        return None
    try:
        return round(float(value) / scale, 3)
    except (TypeError, ValueError):
        warnings.append(f"{loc}: time '{value}' is not a number; left empty")
        return None
