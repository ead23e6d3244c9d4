"""Field names and readers shared by the JSON layouts: a list of segment objects, timed words.

Segment fields are matched by common names (``speaker``/``speaker_label``, ``text``/``content``,
``start``/``start_time``…); times are seconds unless the fields say ``_ms`` or whole numbers
would make the speech implausibly slow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from nlp_jtbd.errors import InputError
from nlp_jtbd.ingest.readers.json_segments import Segment, Word

SPEAKER_KEYS = (
    "speaker", "speaker_label", "speaker_name", "speaker_id", "spk", "spk_id", "name", "role",
)  # fmt: skip
_MS_KEYS = ("start_ms", "end_ms", "startMs", "endMs", "offset_ms")
TEXT_KEYS = ("text", "content", "transcript", "utterance", "sentence")
WORD_TEXT_KEYS = ("punctuated_word", "word", "text", "value", "content")
START_KEYS = ("start", "start_time", "start_s", "startTime", "begin", "from", "start_ms", "ts")
END_KEYS = ("end", "end_time", "end_s", "endTime", "to", "end_ms", "end_ts")

SUPPORTED = (
    'WhisperX/Whisper {"segments": [...]}; AssemblyAI {"utterances": [...]} in milliseconds; '
    'Deepgram {"results": {"utterances" or "channels": [...]}}; Rev {"monologues": [...]}; '
    'QMSum {"meeting_transcripts": [...]}; or a list of {"speaker", "start", "end", "text"} objects'
)


@dataclass
class Layout:
    """What one layout gives: segments, the tool's own full text (to check nothing was
    left out), its declared language and the top-level fields left to become metadata."""

    name: str
    segments: list[Segment]
    reference: str | None = None
    lang: str | None = None
    rest: dict[str, object] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    reference_key: str = "text"


def objects(value: object) -> list[dict]:
    """The objects of a JSON list (anything else: none)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def without(data: dict, *keys: str) -> dict[str, object]:
    """``data`` less ``keys``."""
    return {k: v for k, v in data.items() if k not in keys}


def first(item: dict, keys: tuple[str, ...]) -> tuple[str | None, object]:
    """The first of ``keys`` that ``item`` has a value for, and the value."""
    for key in keys:
        if item.get(key) is not None:
            return key, item[key]
    return None, None


def seconds(value: object, scale: float) -> float | None:
    """A time in seconds (``scale`` 1000 for milliseconds); None for anything not a number."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return round(number / scale, 3) if math.isfinite(number) else None


def speaker_label(value: object) -> str | None:
    """A speaker label as written; a bare number (Deepgram, Rev) becomes ``Speaker 0``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"Speaker {int(value)}" if math.isfinite(value) else None
    return str(value).strip()


def read_words(items: object, scale: float) -> list[Word]:
    """Timed words (``word``/``punctuated_word``/``text``, ``start``, ``end``, ``speaker``)."""
    if not isinstance(items, list):
        return []
    words = []
    for item in items:
        if not isinstance(item, dict):
            continue
        _, text = first(item, WORD_TEXT_KEYS)
        if text is None:
            continue
        words.append(
            Word(
                str(text).strip(),
                seconds(first(item, START_KEYS)[1], scale),
                seconds(first(item, END_KEYS)[1], scale),
                speaker_label(item.get("speaker")),
            )
        )
    return words


def from_words(words: list[Word]) -> list[Segment]:
    """Words grouped into segments by consecutive speaker."""
    segments: list[Segment] = []
    for word in words:
        if not word.text:
            continue
        if segments and segments[-1].speaker == word.speaker:
            segments[-1].words.append(word)
        else:
            segments.append(Segment("", f"segment {len(segments) + 1}", word.speaker, words=[word]))
    for segment in segments:
        segment.text = " ".join(w.text for w in segment.words)
        segment.start, segment.end = segment.words[0].start, segment.words[-1].end
    return segments


def in_ms(items: list, key: str) -> bool:
    """Times in milliseconds: ``*_ms`` fields, or whole numbers that would make the speech
    implausibly slow (under one character every three seconds) if read as seconds."""
    dicts = [i for i in items if isinstance(i, dict)]
    if any(k in _MS_KEYS for i in dicts[:5] for k in i):
        return True
    times = [first(i, START_KEYS)[1] for i in dicts] + [first(i, END_KEYS)[1] for i in dicts]
    numbers = [t for t in times if isinstance(t, int | float) and not isinstance(t, bool)]
    if not numbers or not all(float(t).is_integer() for t in numbers):
        return False
    if key == "utterances":
        return True
    chars = sum(len(str(first(i, TEXT_KEYS)[1] or "")) for i in dicts)
    span = max(numbers) - min(numbers)
    return span > 0 and chars / span < 0.3


def read_segments(
    items: list, key: str, rest: dict[str, object], scale: float | None = None
) -> Layout:
    """Segments from a list of objects with a text and, optionally, speaker, times, words."""
    scale = scale or (1000.0 if in_ms(items, key) else 1.0)
    segments: list[Segment] = []
    warnings: list[str] = []
    empty = 0
    for index, item in enumerate(items, start=1):
        loc = f"segment {index}"
        if not isinstance(item, dict):
            raise InputError(
                f"segment {index} is a {type(item).__name__}, not an object",
                where=loc,
                fix="each segment must be an object with speaker, start, end and text; "
                f"supported layouts: {SUPPORTED}",
            )
        words = read_words(item.get("words"), scale)
        _, text = first(item, TEXT_KEYS)
        if not isinstance(text, str | int | float):
            text = None
        if (text is None or not str(text).strip()) and any(w.text for w in words):
            text = " ".join(w.text for w in words if w.text)
            warnings.append(
                f"{loc}: no text, but {len(words)} timed words ({len(text)} characters); "
                "the text was rebuilt from the words"
            )
        text = str(text).strip() if text is not None else ""
        if not text:
            empty += 1
            continue
        _, speaker = first(item, SPEAKER_KEYS)
        segments.append(
            Segment(
                text,
                loc,
                speaker_label(speaker),
                seconds(first(item, START_KEYS)[1], scale),
                seconds(first(item, END_KEYS)[1], scale),
                words,
            )
        )
    if empty:
        many = f"{empty} segments have" if empty > 1 else "1 segment has"
        warnings.append(f"{many} no text and no words; skipped")
    if not segments:
        keys = sorted({k for i in items[:20] if isinstance(i, dict) for k in i})
        raise InputError(
            f"the JSON's '{key}' list has no segment with text",
            where=f"'{key}'",
            fix=f"its objects have the keys {', '.join(keys) or '(none)'}; each needs a text "
            f"field ({', '.join(TEXT_KEYS)}); supported layouts: {SUPPORTED}",
        )
    # the tool's own full text (Whisper's "text"), checked against the segments, not metadata
    full = [
        (k, rest.pop(k))
        for k in ("text", "transcript", "full_text")
        if isinstance(rest.get(k), str)
    ]
    reference_key, reference = max(full, key=lambda kv: len(kv[1]), default=("text", None))
    name = "WhisperX" if key == "segments" and any(s.words for s in segments) else key
    layout = Layout(name, segments, reference, rest=rest, warnings=warnings)
    layout.reference_key = reference_key
    return layout


_LANGUAGE_NAMES = {"english": "en", "russian": "ru", "turkish": "tr"}


def language_code(value: object) -> str | None:
    """``en_us``, ``tr-TR``, ``ru``, ``english`` → ISO 639-1; anything else → None."""
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if text in _LANGUAGE_NAMES:
        return _LANGUAGE_NAMES[text]
    head = text.replace("-", "_").split("_")[0]
    return head if len(head) == 2 and head.isalpha() else None
