"""Diarized JSON from speech-to-text tools: WhisperX, Whisper, AssemblyAI, Deepgram, Rev.

Whole exports as the tools write them are in ``tests/data/transcripts/json/`` (read by
``test_transcript_corpus.py``); these tests pin one behaviour each on small inline exports.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from conftest import ingest, turns

from nlp_jtbd.errors import InputError
from nlp_jtbd.ingest.readers.diarized_json import parse_diarized, parse_json_text


def _words(text: str, start: float, end: float, speaker: object = None, ms: bool = False) -> list:
    """Timed words spread evenly over [start, end], keyed as WhisperX/AssemblyAI write them."""
    tokens = text.split()
    step = (end - start) / len(tokens)
    key = "text" if ms else "word"
    out = []
    for i, token in enumerate(tokens):
        a, b = start + i * step, start + (i + 1) * step
        word = {key: token, "start": round(a * 1000) if ms else round(a, 3)}
        word["end"] = round(b * 1000) if ms else round(b, 3)
        if speaker is not None:
            word["speaker"] = speaker
        out.append(word)
    return out


def _whisperx(*segments: tuple[str | None, float, float, str]) -> dict:
    return {
        "segments": [
            {
                "start": a,
                "end": b,
                "text": " " + text,
                "words": _words(text, a, b, speaker),
                **({"speaker": speaker} if speaker else {}),
            }
            for speaker, a, b, text in segments
        ],
        "word_segments": [],
        "language": "en",
    }


def _problems(ingestor) -> list[str]:
    return [p.render() for p in ingestor.report_.problems]


def test_whisperx_segments_of_a_speaker_form_one_turn_and_sentences_keep_their_times(write):
    data = _whisperx(
        ("SPEAKER_01", 0.5, 3.0, "Why did you start looking?"),
        ("SPEAKER_00", 3.4, 6.0, "Our invoices kept bouncing."),
        ("SPEAKER_00", 6.2, 9.0, "So we moved. It took a week."),
    )
    frame, ingestor = ingest(write("call.json", json.dumps(data)))
    assert [(s, r) for s, r, _ in turns(frame)] == [
        ("SPEAKER_01", "interviewer"),
        ("SPEAKER_00", "respondent"),
    ]
    assert frame.text.tolist()[1:] == [
        "Our invoices kept bouncing.",
        "So we moved.",
        "It took a week.",
    ]
    # "It took a week." starts at its own first word, not at the segment's 6.2 s
    assert frame.start_s.tolist() == [0.5, 3.4, 6.2, 7.4]
    assert frame.end_s.tolist()[-1] == 9.0
    assert not _problems(ingestor)


def test_a_segment_without_speaker_takes_its_words_majority_else_continues(write):
    data = _whisperx(
        ("SPEAKER_01", 0.0, 2.0, "What happened next?"),
        ("SPEAKER_00", 2.5, 5.0, "The courier lost two parcels."),
        (None, 5.2, 7.0, "Then a third one."),
        ("SPEAKER_01", 7.5, 9.0, "How did you react?"),
    )
    data["segments"][3].pop("speaker")  # words still say SPEAKER_01
    frame, ingestor = ingest(write("call.json", json.dumps(data)))
    assert [s for s, _, _ in turns(frame)] == ["SPEAKER_01", "SPEAKER_00", "SPEAKER_01"]
    assert "Then a third one." in turns(frame)[1][2]
    problems = _problems(ingestor)
    assert any("segment 4" in p and "most of its words" in p for p in problems), problems
    assert any("segment 3" in p and "given to the speaker before it" in p for p in problems)


def test_whisper_without_diarization_is_one_unknown_speaker_and_says_so(write):
    segments = [
        {"id": 0, "seek": 0, "start": 0.0, "end": 3.0, "text": " We switched last year.",
         "tokens": [50364, 492], "temperature": 0.0, "avg_logprob": -0.2,
         "compression_ratio": 1.1, "no_speech_prob": 0.01},
        {"id": 1, "seek": 0, "start": 3.0, "end": 6.0, "text": " The old tool was slow.",
         "tokens": [50514, 440], "temperature": 0.0, "avg_logprob": -0.2,
         "compression_ratio": 1.1, "no_speech_prob": 0.01},
    ]  # fmt: skip
    data = {"text": " We switched last year. The old tool was slow.", "segments": segments,
            "language": "en"}  # fmt: skip
    frame, ingestor = ingest(write("whisper.json", json.dumps(data)))
    assert set(frame.speaker) == {"unknown"} and len(frame) == 2
    problems = _problems(ingestor)
    assert any("without speaker diarization" in p for p in problems)
    assert not any("were not read" in p for p in problems)  # 'text' equals the segments


def test_assemblyai_milliseconds_and_three_speakers_kept_apart(write):
    def utterance(speaker: str, start: float, end: float, text: str) -> dict:
        words = _words(text, start, end, speaker, ms=True)
        return {"confidence": 0.93, "end": words[-1]["end"], "speaker": speaker,
                "start": words[0]["start"], "text": text, "words": words}  # fmt: skip

    utterances = [
        utterance("A", 0.24, 3.0, "Почему вы решили сменить кассу?"),
        utterance("B", 3.5, 9.5, "Старая касса зависала. Очередь стояла долго."),
        utterance("A", 10.0, 11.5, "А вы что думаете, Олег?"),
        utterance("C", 12.0, 13.0, "Я тоже так считаю."),
        utterance("A", 13.5, 15.0, "А кто выбирал новую?"),
        utterance("B", 15.5, 17.0, "Выбирали вдвоём."),
    ]
    data = {"id": "abc", "status": "completed", "language_code": "ru", "punctuate": True,
            "text": " ".join(u["text"] for u in utterances), "utterances": utterances,
            "words": [w for u in utterances for w in u["words"]], "audio_duration": 16}  # fmt: skip
    frame, ingestor = ingest(write("aai.json", json.dumps(data, ensure_ascii=False)))
    roles = dict(zip(frame.speaker, frame.role, strict=True))
    assert roles == {"A": "interviewer", "B": "respondent", "C": "respondent"}
    assert frame.start_s.tolist()[:3] == [0.24, 3.5, 6.5]  # ms → s; 2nd sentence by its word
    assert set(frame.lang) == {"ru"}
    assert "punctuate" not in frame.columns and set(frame.transcript_id) == {"abc"}
    assert not _problems(ingestor)


def test_assemblyai_without_speaker_labels_reads_its_words(write):
    words = _words("We moved to the new bank in May.", 0.5, 3.5, ms=True)
    data = {"status": "completed", "audio_url": "https://x", "language_code": "en_us",
            "text": "We moved to the new bank in May.", "words": words, "utterances": None}  # fmt: skip
    frame, ingestor = ingest(write("aai.json", json.dumps(data)))
    assert frame.text.tolist() == ["We moved to the new bank in May."]
    assert (frame.start_s.iloc[0], frame.end_s.iloc[0]) == (0.5, 3.5)
    assert set(frame.lang) == {"en"}
    assert any("without speaker diarization" in p for p in _problems(ingestor))


def _deepgram(utterances: bool = True, paragraphs: bool = True) -> dict:
    turns_ = [
        (0, [(0.1, 2.0, "Neden yeni bir program aradınız?")]),
        (1, [(2.6, 5.0, "Muhasebecimiz emekli oldu."), (5.3, 8.0, "Faturalar bana kaldı.")]),
    ]
    words, utts, paras = [], [], []
    for speaker, sentences in turns_:
        mine = []
        for a, b, text in sentences:
            for w in _words(text, a, b, speaker):
                w["punctuated_word"] = w["word"]
                w["word"] = w["word"].strip(".?,").lower()
                mine.append(w)
        words += mine
        text = " ".join(s[2] for s in sentences)
        utts.append({"start": sentences[0][0], "end": sentences[-1][1], "channel": 0,
                     "transcript": text, "words": mine, "speaker": speaker, "id": "u"})  # fmt: skip
        paras.append({"sentences": [{"text": t, "start": a, "end": b} for a, b, t in sentences],
                      "speaker": speaker, "start": sentences[0][0], "end": sentences[-1][1]})  # fmt: skip
    alternative: dict = {"transcript": " ".join(u["transcript"] for u in utts), "words": words}
    if paragraphs:
        alternative["paragraphs"] = {"transcript": "...", "paragraphs": paras}
    results: dict = {"channels": [{"alternatives": [alternative]}]}
    if utterances:
        results["utterances"] = utts
    return {"metadata": {"request_id": "r1", "duration": 8.0, "channels": 1}, "results": results}


@pytest.mark.parametrize(
    ("utterances", "paragraphs"), [(True, True), (False, True), (False, False)]
)
def test_deepgram_utterances_else_paragraphs_else_words(write, utterances, paragraphs):
    data = _deepgram(utterances, paragraphs)
    frame, ingestor = ingest(write("dg.json", json.dumps(data, ensure_ascii=False)))
    assert [(s, r) for s, r, _ in turns(frame)] == [
        ("Speaker 0", "interviewer"),
        ("Speaker 1", "respondent"),
    ]
    assert frame.text.tolist()[1:] == ["Muhasebecimiz emekli oldu.", "Faturalar bana kaldı."]
    assert frame.start_s.tolist() == [0.1, 2.6, 5.3]
    assert set(frame.request_id) == {"r1"} and set(frame.audio_duration) == {"8.0"}
    assert not _problems(ingestor)


def test_deepgram_channels_without_diarization_are_the_speakers(write):
    def channel(start: float, text: str) -> dict:
        words = _words(text, start, start + 2)
        return {"alternatives": [{"transcript": text, "words": words, "paragraphs": {
            "paragraphs": [{"sentences": [{"text": text, "start": start, "end": start + 2}],
                            "start": start, "end": start + 2}]}}]}  # fmt: skip

    data = {"results": {"channels": [channel(0.0, "Why did you switch?"),
                                     channel(2.5, "The old one kept crashing.")]}}  # fmt: skip
    frame, _ = ingest(write("dg.json", json.dumps(data)))
    assert frame.speaker.tolist() == ["Channel 0", "Channel 1"]


def test_rev_monologues_take_speaker_names_and_element_times(write):
    def elements(text: str, start: float) -> list:
        out = []
        for i, token in enumerate(text.split()):
            if i:
                out.append({"type": "punct", "value": " "})
            out.append({"type": "text", "value": token, "ts": start + i, "end_ts": start + i + 0.8})
        return out

    data = {"monologues": [
        {"speaker": 0, "speaker_name": "Interviewer", "elements": elements("Why now?", 1.0)},
        {"speaker": 1, "speaker_name": None, "elements": elements("Prices went up.", 3.0)},
    ]}  # fmt: skip
    frame, _ = ingest(write("rev.json", json.dumps(data)))
    assert frame.speaker.tolist() == ["Interviewer", "Speaker 1"]
    assert frame.start_s.tolist() == [1.0, 3.0] and frame.end_s.tolist() == [2.8, 5.8]


def test_integer_times_that_would_be_too_slow_as_seconds_are_milliseconds(write):
    data = [
        {"speaker": "Ann", "start": 1200, "end": 4800, "text": "Why did you leave them?"},
        {"speaker": "Bob", "start": 5100, "end": 9900, "text": "Support stopped answering."},
    ]
    frame, _ = ingest(write("own.json", json.dumps(data)))
    assert frame.start_s.tolist() == [1.2, 5.1]
    seconds = [{**data[0], "start": 1, "end": 4}, {**data[1], "start": 5, "end": 9}]
    frame, _ = ingest(write("own2.json", json.dumps(seconds)))
    assert frame.start_s.tolist() == [1.0, 5.0]


def test_nothing_left_out_silently(write):
    data = _whisperx(
        ("SPEAKER_01", 0.0, 2.0, "Why did you switch?"),
        ("SPEAKER_00", 2.5, 5.0, "The old app kept crashing."),
    )
    data["segments"][1]["text"] = ""  # a segment whose text was lost but whose words remain
    data["text"] = "Why did you switch? The old app kept crashing. We lost a whole week of orders."
    data["metadata"] = {"customer_id": "C0042", "notes": "Call notes.\n" + "x" * 300}
    frame, ingestor = ingest(write("call.json", json.dumps(data)))
    assert frame.text.tolist() == ["Why did you switch?", "The old app kept crashing."]
    assert set(frame.customer_id) == {"C0042"} and "notes" not in frame.columns
    problems = _problems(ingestor)
    assert any("segment 2" in p and "rebuilt from the words" in p and "26 characters" in p
               for p in problems), problems  # fmt: skip
    assert any("7 words (31 characters)" in p and "We lost a whole week" in p for p in problems)
    assert any("metadata.notes" in p and "312 characters" in p for p in problems)
    (coverage,) = ingestor.report_.coverage  # what was left out counts against the share read
    assert 0.05 < coverage.share < 0.2


def test_deep_nesting_is_an_input_error_fast(write):
    started = time.perf_counter()
    with pytest.raises(InputError, match="nested deeper than 64 levels") as error:
        parse_json_text('{"segments": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert error.value.where == "line 1, column 77"
    assert time.perf_counter() - started < 1.0
    nested = write("deep.json", '{"segments": ' + "[" * 100_000 + "]" * 100_000 + "}")
    good = write("good.json", json.dumps(_whisperx(("SPEAKER_00", 0, 1, "Fees went up."))))
    frame, ingestor = ingest(nested, good)
    assert len(frame) == 1
    (error_,) = ingestor.report_.errors
    assert "nested deeper than 64 levels" in error_.message and error_.fix


def test_brackets_inside_strings_do_not_count_as_nesting():
    text = json.dumps([{"speaker": "A", "text": "[" * 500 + '{"quoted": "\\"[["}'}])
    assert parse_diarized(parse_json_text(text)).turns


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"job": {"id": 1}, "status": "done"}, ["'job'", "'status'", "WhisperX", "Deepgram"]),
        ({"segments": [{"who": "A", "said": "hi"}]}, ["said", "who", "text field"]),
        ("just a string", ["str", "AssemblyAI"]),
    ],
)
def test_an_unknown_layout_names_what_it_found_and_what_is_supported(data, words):
    with pytest.raises(InputError) as error:
        parse_diarized(data)
    message = error.value.message
    assert all(word in message for word in words), message


def test_a_wrapped_layout_is_found_one_level_down(write):
    data = {"project": "Q3 interviews", "transcript": _whisperx(
        ("SPEAKER_01", 0.0, 2.0, "Why did you switch?"),
        ("SPEAKER_00", 2.5, 5.0, "The old app kept crashing."),
    )}  # fmt: skip
    frame, _ = ingest(write("wrapped.json", json.dumps(data)))
    assert len(frame) == 2 and set(frame.project) == {"Q3 interviews"}


def test_assemblyai_sentences_export_is_read_in_milliseconds(write):
    sentences = [
        {"text": "Why did you switch?", "start": 250, "end": 1900, "confidence": 0.98,
         "speaker": "A", "words": _words("Why did you switch?", 0.25, 1.9, "A", ms=True)},
        {"text": "Support never answered.", "start": 2400, "end": 4100, "confidence": 0.97,
         "speaker": "B", "words": _words("Support never answered.", 2.4, 4.1, "B", ms=True)},
    ]  # fmt: skip
    data = {"sentences": sentences, "id": "abc", "confidence": 0.97, "audio_duration": 5}
    frame, _ = ingest(write("sentences.json", json.dumps(data)))
    assert frame.start_s.tolist() == [0.25, 2.4] and frame.speaker.tolist() == ["A", "B"]


def test_a_full_transcript_field_equal_to_the_segments_is_not_reported(write):
    data = _whisperx(
        ("SPEAKER_01", 0.0, 2.0, "Why did you switch?"),
        ("SPEAKER_00", 2.5, 5.0, "The old app kept crashing, sadly, every single week."),
    )
    data.pop("language")
    data["transcript"] = "Why did you switch? The old app kept crashing, sadly, every single week."
    frame, ingestor = ingest(write("call.json", json.dumps(data)))
    assert "transcript" not in frame.columns and not _problems(ingestor)


def test_an_assemblyai_transcript_that_failed_says_so():
    data = {"id": "x", "status": "error", "error": "Download error, unable to download the file",
            "audio_url": "https://example.com/a.mp3", "acoustic_model": "assemblyai_default",
            "text": None, "words": None, "utterances": None}  # fmt: skip
    with pytest.raises(InputError, match="status is 'error', not 'completed': Download error"):
        parse_diarized(data)


@pytest.mark.parametrize(
    ("name", "option", "speaker", "role"),
    [
        ("ru_assemblyai_flower_shop.json", "interviewers", "b", "interviewer"),
        ("tr_deepgram_muhasebe.json", "respondents", "speaker 0", "respondent"),
        ("en_whisperx_crm_switch.json", "interviewers", "SPEAKER_00", "interviewer"),
    ],
)
def test_names_given_for_roles_override_the_questions(name, option, speaker, role):
    corpus = Path(__file__).parent / "data" / "transcripts" / "json"
    frame, _ = ingest(corpus / name, **{option: (speaker,)})
    roles = dict(zip(frame.speaker.str.lower(), frame.role, strict=True))
    assert roles[speaker.lower()] == role
