"""The layouts of AssemblyAI, Deepgram and Rev, each reduced to :class:`Segment` objects.

- AssemblyAI: ``{"utterances": [{speaker, start, end, text, words}], "text", "language_code"}``
  (milliseconds); without ``utterances`` (no speaker labels), its ``words`` by speaker.
- Deepgram: ``{"results": {"utterances": [...], "channels": [{"alternatives": [{"transcript",
  "words", "paragraphs"}]}]}}`` (seconds): utterances, else paragraphs, else words by speaker,
  whichever names speakers first; speakers ``0, 1`` are ``Speaker 0, Speaker 1``.
- Rev: ``{"monologues": [{speaker, speaker_name, elements: [{type, value, ts, end_ts}]}]}``.
"""

from __future__ import annotations

from nlp_jtbd.errors import InputError
from nlp_jtbd.ingest.readers.json_fields import (
    Layout,
    from_words,
    language_code,
    objects,
    read_segments,
    read_words,
    seconds,
    speaker_label,
    without,
)
from nlp_jtbd.ingest.readers.json_segments import Segment

_ASSEMBLYAI_MARKS = ("audio_url", "language_model", "acoustic_model", "speech_model", "status")
# AssemblyAI's request settings and results other than the transcript: not document metadata
_ASSEMBLYAI_FIELDS = frozenset({
    "id", "language_model", "acoustic_model", "language_code", "status", "audio_url", "text",
    "words", "utterances", "confidence", "audio_duration", "punctuate", "format_text",
    "dual_channel", "multichannel", "audio_channels", "webhook_url", "webhook_status_code",
    "webhook_auth", "webhook_auth_header_name", "speed_boost", "auto_highlights",
    "auto_highlights_result", "audio_start_from", "audio_end_at", "word_boost", "boost_param",
    "filter_profanity", "redact_pii", "redact_pii_audio", "redact_pii_audio_quality",
    "redact_pii_policies", "redact_pii_sub", "speaker_labels", "speakers_expected",
    "speaker_options", "content_safety", "content_safety_labels", "iab_categories",
    "iab_categories_result", "language_detection", "language_confidence",
    "language_confidence_threshold", "custom_spelling", "throttled", "auto_chapters", "chapters",
    "summarization", "summary_type", "summary_model", "custom_topics", "topics",
    "speech_threshold", "disfluencies", "entity_detection", "entities", "sentiment_analysis",
    "sentiment_analysis_results", "speech_model", "error",
})  # fmt: skip


def is_assemblyai(data: dict) -> bool:
    """AssemblyAI's transcript: ``utterances`` (null without speaker labels) beside its own
    fields, or utterances with words and whole-millisecond times."""
    utterances = data.get("utterances")
    if "audio_url" in data and "status" in data and "acoustic_model" in data:
        return True
    if "utterances" not in data or not isinstance(utterances, list | None):
        return False
    if any(k in data for k in _ASSEMBLYAI_MARKS):
        return isinstance(utterances, list) or isinstance(data.get("words"), list)
    first = utterances[0] if utterances else None
    return isinstance(first, dict) and "words" in first and isinstance(first.get("start"), int)


def assemblyai(data: dict) -> Layout:
    """Utterances, else the words grouped by speaker, else the text; times in milliseconds."""
    if data.get("status") not in (None, "completed"):
        raise InputError(
            f"the AssemblyAI transcript's status is '{data['status']}', not 'completed'"
            + (f": {data['error']}" if data.get("error") else ""),
            where="'status'",
            fix="download the transcript again once its status is 'completed'",
        )
    utterances = data.get("utterances")
    rest = {k: v for k, v in data.items() if k not in _ASSEMBLYAI_FIELDS}
    rest.update({k: data[k] for k in ("audio_url", "audio_duration") if data.get(k) is not None})
    if data.get("id") is not None:
        rest["transcript_id"] = data["id"]
    reference = data.get("text") if isinstance(data.get("text"), str) else None
    layout = Layout("AssemblyAI", [], reference, language_code(data.get("language_code")), rest)
    if isinstance(utterances, list) and utterances:
        generic = read_segments(utterances, "utterances", {})
        layout.segments, layout.warnings = generic.segments, generic.warnings
        return layout
    layout.segments = from_words(read_words(data.get("words"), 1000.0))
    if not layout.segments and isinstance(data.get("text"), str) and data["text"].strip():
        layout.segments = [Segment(data["text"].strip(), "segment 1")]
    if not layout.segments:
        raise InputError(
            "the AssemblyAI transcript has no utterances, words or text",
            where="'utterances'",
            fix="download the transcript after its status is 'completed'",
        )
    return layout


def deepgram(data: dict, results: dict) -> Layout:
    """``results.utterances``, else the paragraphs, else the words: the first that names
    speakers (else the first there is); the channels' transcripts are the full text."""
    channels = objects(results.get("channels"))
    alternatives = [
        c["alternatives"][0]
        for c in channels
        if isinstance(c.get("alternatives"), list) and c["alternatives"]
        if isinstance(c["alternatives"][0], dict)
    ]
    multi = len(channels) > 1
    reference = " ".join(str(a.get("transcript") or "") for a in alternatives).strip()
    lang = next(
        (language_code(c.get("detected_language")) for c in channels if c.get("detected_language")),
        None,
    )
    if lang is None:
        listed = [a.get("languages") for a in alternatives]
        lang = next((language_code(x[0]) for x in listed if isinstance(x, list) and x), None)
    meta = data["metadata"] if isinstance(data.get("metadata"), dict) else {}
    rest: dict[str, object] = {k: meta[k] for k in ("request_id", "created") if k in meta}
    if "duration" in meta:
        rest["audio_duration"] = meta["duration"]
    rest.update(without(data, "metadata", "results"))
    options = [
        _deepgram_utterances(results.get("utterances"), multi),
        _deepgram_paragraphs(alternatives, multi),
        [s for i, a in enumerate(alternatives) for s in _channel_words(a, i, multi)],
    ]
    chosen = next((o for o in options if o and any(s.speaker for s in o)), None)
    chosen = chosen or next((o for o in options if o), None)
    if not chosen:
        chosen = [
            Segment(str(a["transcript"]).strip(), f"segment {i + 1}")
            for i, a in enumerate(alternatives)
            if str(a.get("transcript") or "").strip()
        ]
    if not chosen:
        raise InputError(
            "the Deepgram response has no utterances, paragraphs, words or transcript",
            where="'results'",
            fix="check that the request succeeded and the audio has speech",
        )
    layout = Layout("Deepgram", chosen, reference or None, lang, rest)
    layout.reference_key = "results.channels[].alternatives[0].transcript"
    return layout


def _deepgram_utterances(items: object, multi: bool) -> list[Segment]:
    if not isinstance(items, list):
        return []
    segments = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not str(item.get("transcript") or "").strip():
            continue
        segments.append(
            Segment(
                str(item["transcript"]).strip(),
                f"segment {index}",
                _dg_speaker(item.get("speaker"), item.get("channel"), multi),
                seconds(item.get("start"), 1.0),
                seconds(item.get("end"), 1.0),
                read_words(item.get("words"), 1.0),
            )
        )
    return segments


def _deepgram_paragraphs(alternatives: list[dict], multi: bool) -> list[Segment]:
    segments = []
    for channel, alternative in enumerate(alternatives):
        block = alternative.get("paragraphs")
        paragraphs = block.get("paragraphs") if isinstance(block, dict) else None
        for index, para in enumerate(objects(paragraphs), start=1):
            sentences = [
                (
                    str(s.get("text") or "").strip(),
                    seconds(s.get("start"), 1.0),
                    seconds(s.get("end"), 1.0),
                )
                for s in objects(para.get("sentences"))
                if str(s.get("text") or "").strip()
            ]
            if not sentences:
                continue
            segments.append(
                Segment(
                    " ".join(s[0] for s in sentences),
                    f"segment {index}" if not multi else f"segment {index} of channel {channel}",
                    _dg_speaker(para.get("speaker"), channel, multi),
                    seconds(para.get("start"), 1.0),
                    seconds(para.get("end"), 1.0),
                    sentences=sentences,
                )
            )
    if multi:
        segments.sort(key=lambda s: s.start if s.start is not None else float("inf"))
    return segments


def _channel_words(alternative: dict, channel: int, multi: bool) -> list[Segment]:
    words = read_words(alternative.get("words"), 1.0)
    for word in words:
        word.speaker = _dg_speaker(word.speaker, channel, multi)
    return from_words(words)


def _dg_speaker(speaker: object, channel: object, multi: bool) -> str | None:
    """``Speaker 0`` as Deepgram's own paragraph transcript names it; with several channels
    (``multichannel``) the channel is part of the name."""
    name = speaker_label(speaker)
    if name is not None and not name.startswith("Speaker "):
        name = f"Speaker {name}"
    if multi and isinstance(channel, int):
        return f"Channel {channel}" + (f" {name}" if name else "")
    return name


def rev(data: dict) -> Layout:
    """Monologues: the elements' values joined, timed by the ``text`` elements."""
    segments = []
    for index, item in enumerate(data["monologues"], start=1):
        if not isinstance(item, dict):
            continue
        elements = objects(item.get("elements"))
        text = "".join(str(e.get("value") or "") for e in elements).strip()
        if not text:
            continue
        words = read_words([e for e in elements if e.get("type") == "text"], 1.0)
        timed = [w for w in words if w.start is not None]
        name = item.get("speaker_name") or speaker_label(item.get("speaker"))
        segments.append(
            Segment(
                text,
                f"segment {index}",
                str(name) if name is not None else None,
                timed[0].start if timed else None,
                timed[-1].end if timed else None,
                words,
            )
        )
    if not segments:
        raise InputError(
            "the Rev transcript has no monologue with text",
            where="'monologues'",
            fix="check that the transcript job finished",
        )
    return Layout("Rev", segments, None, None, without(data, "monologues"))
