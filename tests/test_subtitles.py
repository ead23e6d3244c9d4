"""Subtitle exports (WebVTT, SRT): speakers from voice tags and prefixes, cue times on every
utterance, and every line that goes into no turn reported with its lines and size."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EXAMPLES, ingest, turns

from nlp_jtbd.ingest.readers.cues import parse_cues
from nlp_jtbd.ingest.readers.subtitles import parse_subtitles

ZOOM = """WEBVTT

1
00:00:00.500 --> 00:00:03.000
Ivan - Sales: Hi Ana, thanks for joining. How did you find us?

2
00:00:03.400 --> 00:00:06.000
iPhone de Ana: A friend told me about it. Our old tool kept crashing,

3
00:00:06.000 --> 00:00:08.500
iPhone de Ana: so we needed something else.

4
00:00:09.000 --> 00:00:10.200
Ivan - Sales: What else did you try?

5
00:00:10.600 --> 00:00:12.000
Petra Novak: Sorry, I'm late. Can I ask one thing: what did it cost?

6
00:00:12.400 --> 00:00:15.000
iPhone de Ana: About forty dollars a month: cheaper than before.
"""


def test_zoom_display_names_of_any_shape_and_a_one_off_speaker(write) -> None:
    frame, ingestor = ingest(write("zoom.vtt", ZOOM))
    assert [(s, t[:24]) for s, _, t in turns(frame)] == [
        ("Ivan - Sales", "Hi Ana, thanks for joini"),
        ("iPhone de Ana", "A friend told me about i"),
        ("Ivan - Sales", "What else did you try?"),
        ("Petra Novak", "Sorry, I'm late. Can I a"),
        ("iPhone de Ana", "About forty dollars a mo"),
    ]
    # One sentence over two cues: the first cue's start, the last cue's end.
    split = frame[frame.text.str.startswith("Our old tool")].iloc[0]
    assert (split.start_s, split.end_s) == (3.4, 8.5)
    assert frame.start_s.notna().all() and frame.end_s.notna().all()
    assert not frame.text.str.match(r"^\s*:").any()
    assert not [p for p in ingestor.report_.problems if "left out" in p.message]


TEAMS = """WEBVTT

STYLE
::cue(v[voice="Pat"]) { color: cyan }

REGION
id:left width:40%

NOTE Confidence: 0.91

NOTE
Reviewed by the research team.
Names were checked.

0d4f1b2a-3c5e-4f60-8a9b-0c1d2e3f4a5b/20-0
00:00:01.000 --> 00:00:03.000
<v.loud O&#39;Brien, Pat>Why did you&nbsp;switch?

0d4f1b2a-3c5e-4f60-8a9b-0c1d2e3f4a5b/21-0
00:00:03.000 --> 00:00:05.000 align:start position:10%
<v Sam &amp; Co>Because of <b>price</b> &lt;and&gt; support.</v>

0d4f1b2a-3c5e-4f60-8a9b-0c1d2e3f4a5b/21-1
00:00:05.000 --> 00:00:06.500
<v Sam &amp; Co><c.colorE5E5E5>It was a relief.</c></v>
"""


def test_teams_voice_classes_entities_and_notes(write) -> None:
    frame, ingestor = ingest(write("teams.vtt", TEAMS))
    assert turns(frame) == [
        ("O'Brien, Pat", "interviewer", "Why did you switch?"),
        ("Sam & Co", "respondent", "Because of price <and> support. It was a relief."),
    ]
    assert list(frame.start_s) == [1.0, 3.0, 5.0]
    assert list(frame.end_s) == [3.0, 5.0, 6.5]
    problems = ingestor.report_.problems
    notes = [p for p in problems if "NOTE" in p.message]
    # STYLE, REGION and a one-line metadata note are markup; the comment is left out, reported.
    assert len(notes) == 1 and notes[0].loc == "lines 11-13"
    assert "left out NOTE comments" in notes[0].message
    assert f"{len('Reviewed by the research team.') + len('Names were checked.')} characters" in (
        notes[0].message
    )
    assert not [p for p in problems if "STYLE" in p.message or "cyan" in p.message]


SRT_CAPS = """1
00:00:01,000 --> 00:00:04,000
AYŞE: Uygulamayı ilk nasıl duydunuz?

2
00:00:04,500 --> 00:00:08,000
MEHMET: Bir arkadaşım önerdi.
Eski sistemimiz çok yavaştı,

3
00:00:08,000 --> 00:00:10,000
o yüzden hemen denedik.

4
00:00:10,500 --> 00:00:12,000
AYŞE: Fiyat sizin için önemli miydi?

5
00:00:12,500 --> 00:00:15,000
MEHMET: Evet, çok önemliydi.

6
00:00:15,500 --> 00:00:17,000
DENİZ: Peki ekibiniz ne dedi?

7
00:00:17,500 --> 00:00:20,000
MEHMET: Önce itiraz ettiler,
sonra alıştılar.

8
00:00:20,000 --> 00:00:22,000
Not: bu kısım önemli değil.
"""


def test_srt_prefixes_at_turn_starts_and_a_one_off_speaker_written_like_the_others(write) -> None:
    frame, _ = ingest(write("tr.srt", SRT_CAPS))
    assert [(s, t) for s, _, t in turns(frame)] == [
        ("AYŞE", "Uygulamayı ilk nasıl duydunuz?"),
        ("MEHMET", "Bir arkadaşım önerdi. Eski sistemimiz çok yavaştı, o yüzden hemen denedik."),
        ("AYŞE", "Fiyat sizin için önemli miydi?"),
        ("MEHMET", "Evet, çok önemliydi."),
        ("DENİZ", "Peki ekibiniz ne dedi?"),
        ("MEHMET", "Önce itiraz ettiler, sonra alıştılar. Not: bu kısım önemli değil."),
    ]
    continued = frame[frame.text == "o yüzden hemen denedik."]
    assert continued.empty  # one sentence over two cues
    sentence = frame[frame.text.str.startswith("Eski sistemimiz")].iloc[0]
    assert (sentence.start_s, sentence.end_s) == (4.5, 10.0)


def test_a_colon_inside_a_sentence_that_runs_on_is_no_speaker(write) -> None:
    text = SRT_CAPS.replace("o yüzden hemen denedik.", "FİYAT: o yüzden hemen denedik.")
    frame, _ = ingest(write("tr.srt", text))
    assert "FİYAT" not in set(frame.speaker)
    assert frame.text.str.contains("FİYAT: o yüzden").any()


SRT_MARKS = """1
00:00:01,000 --> 00:00:03,000
<i>INTERVIEWER:</i> What did you use before?

2
00:00:03,500 --> 00:00:06,000
[laughs] ANNA: Paper, mostly.

3
00:00:06,000 --> 00:00:08,000
- INTERVIEWER: Really?
- ANNA: Really.

4
00:00:08,500 --> 00:00:10,000
[Interviewer] And then?

5
00:00:10,500 --> 00:00:12,000
[Anna] Then we moved.

6
00:00:12,500 --> 00:00:14,000
[Anna] [music] It was [laughs] fine.
"""


def test_srt_tags_events_dashes_and_square_labels_around_speakers(write) -> None:
    frame, _ = ingest(write("marks.srt", SRT_MARKS))
    assert turns(frame) == [
        ("INTERVIEWER", "interviewer", "What did you use before?"),
        ("ANNA", "respondent", "Paper, mostly."),
        ("INTERVIEWER", "interviewer", "Really?"),
        ("ANNA", "respondent", "Really."),
        ("Interviewer", "interviewer", "And then?"),
        ("Anna", "respondent", "Then we moved. It was fine."),
    ]


def test_missing_blank_lines_and_text_outside_cues_are_placed_or_reported(write) -> None:
    text = (
        "Interview with Acme, recorded on 12 May\n"  # 1: before the first cue
        "\n"
        "1\n"
        "00:00:01,000 --> 00:00:03,000\n"
        "JOHN: What happened after the launch?\n"
        "2\n"  # 6: no blank line before the next cue
        "00:00:03,500 --> 00:00:06,000\n"
        "MARY: We doubled the classes.\n"
        "\n"
        "Bookings went up too.\n"  # 10: a block without a timing
        "\n"
        "3\n"
        "00:00:06,500 --> 00:00:08,000\n"
        "JOHN: And then?\n"
        "\n"
        "4\n"
        "00:00:08,500 --> 00:00:10,000\n"
        "MARY: We switched.\n"
    )
    frame, ingestor = ingest(write("gaps.srt", text))
    assert list(frame.text) == [
        "What happened after the launch?",
        "We doubled the classes.",
        "Bookings went up too.",
        "And then?",
        "We switched.",
    ]
    assert list(frame.start_s.fillna(-1)) == [1.0, 3.5, -1, 6.5, 8.5]
    assert not frame.text.str.contains("-->").any()
    by_loc = {p.loc: p.message for p in ingestor.report_.problems}
    assert "left out text before the first cue" in by_loc["line 1"]
    assert "(39 characters)" in by_loc["line 1"]
    assert "without a cue timing" in by_loc["line 10"]


def test_parse_cues_accounts_for_every_block() -> None:
    text = "WEBVTT\nKind: captions\n\nNOTE short\n\n1\n00:01.000 --> 00:02.500\nHi.\n"
    parsed = parse_cues(text, "vtt")
    assert [(c.start_s, c.end_s, [t for t, _, _ in c.lines]) for c in parsed.cues] == [
        (1.0, 2.5, ["Hi."])
    ]
    assert [(x.first, x.last, x.chars) for x in parsed.left_out.spans["NOTE comments"]] == [
        (4, 4, 5)
    ]
    assert parsed.warnings == ["line 4: left out NOTE comments, not speech (5 characters): “short”"]
    assert parsed.markup == [1, 2, 6]  # WEBVTT, Kind: captions, the cue number


def test_cues_right_under_the_header_and_a_file_without_header() -> None:
    parsed = parse_subtitles("WEBVTT\n00:00:01.000 --> 00:00:02.000\nQ: Hi?\n", "vtt")
    assert [p.text for t in parsed.turns for p in t.pieces] == ["Hi?"]
    parsed = parse_subtitles("00:00:01.000 --> 00:00:02.000\n<v Ann>Hi.</v>\n", "vtt")
    assert parsed.turns[0].speaker == "Ann"
    assert "does not start with 'WEBVTT'" in parsed.warnings[0]


@pytest.mark.parametrize(
    "name", ["en_online_store.vtt", "ru_bank_team.vtt", "en_fitness_studio.srt"]
)
def test_bundled_subtitles_give_every_utterance_its_cue_times(name: str) -> None:
    frame, _ = ingest(EXAMPLES / "interviews" / name)
    assert frame.start_s.notna().all() and frame.end_s.notna().all()
    assert (frame.end_s >= frame.start_s).all()
    assert not frame.text.str.match(r"^\s*[:：]").any()
    assert "unknown" not in set(frame.speaker)


def test_every_corpus_subtitle_has_times_on_every_utterance() -> None:
    folder = Path(__file__).resolve().parent / "data" / "transcripts" / "subtitles"
    files = sorted(p for p in folder.iterdir() if p.suffix in (".vtt", ".srt"))
    assert len(files) >= 4
    frame, ingestor = ingest(*files)
    assert set(frame.source_path) == {str(p) for p in files}
    assert frame.start_s.notna().all() and frame.end_s.notna().all()
    assert not ingestor.report_.errors


def test_metadata_notes_before_every_cue_are_markup_not_left_out() -> None:
    folder = Path(__file__).resolve().parent / "data" / "transcripts" / "subtitles"
    frame, ingestor = ingest(folder / "tr_teams_classic_flower_delivery.vtt")
    assert len(frame) == 16
    assert not [p for p in ingestor.report_.problems if "left out" in p.message]


def test_recurring_display_names_when_some_cues_are_unnamed(write) -> None:
    cues = [
        ("Ivan - Sales", "How did you hear about us?"),
        ("iPhone de Ana", "From a friend."),
        (None, "She runs a bakery too."),
        ("Ivan - Sales", "And what happened next?"),
        ("iPhone de Ana", "We tried it: it worked."),
        ("Ivan - Sales", "Why did it work?"),
        ("iPhone de Ana", "It was simple."),
    ]
    text = "WEBVTT\n\n" + "\n".join(
        f"{i + 1}\n00:00:{2 * i:02d}.000 --> 00:00:{2 * i + 1:02d}.500\n"
        + (f"{name}: {line}" if name else line)
        + "\n"
        for i, (name, line) in enumerate(cues)
    )
    frame, _ = ingest(write("partly.vtt", text))
    assert [(s, t) for s, _, t in turns(frame)] == [
        ("Ivan - Sales", "How did you hear about us?"),
        ("iPhone de Ana", "From a friend. She runs a bakery too."),
        ("Ivan - Sales", "And what happened next?"),
        ("iPhone de Ana", "We tried it: it worked."),
        ("Ivan - Sales", "Why did it work?"),
        ("iPhone de Ana", "It was simple."),
    ]
    assert dict(zip(frame.speaker, frame.role, strict=True))["Ivan - Sales"] == "interviewer"


def test_unpunctuated_auto_captions_become_pieces_cut_at_cues_with_their_own_times(write) -> None:
    phrases = [
        "so what made you start looking for a new crm",
        "well our sales rep left and took half the client list",
        "with him and we had no record of any conversation",
        "i was worried the team would never log their calls",
    ]
    cues = [
        f"{i // 20:02d}:{i * 3 % 60:02d}.000 --> {i // 20:02d}:{i * 3 % 60 + 2:02d}.500\n"
        f"{phrases[i % 4]}\n"
        for i in range(40)
    ]
    frame, _ = ingest(write("auto.vtt", "WEBVTT\n\n" + "\n".join(cues)))
    spoken = " ".join(phrases[i % 4] for i in range(40))
    assert " ".join(frame["text"]) == spoken  # nothing lost, nothing repeated
    assert len(frame) > 1 and (frame["text"].str.len() <= 300).all()
    # each piece starts where a cue starts, so its time is the time it was said
    firsts = {phrase.split()[0] + " " + phrase.split()[1] for phrase in phrases}
    assert all(" ".join(text.split()[:2]) in firsts for text in frame["text"])
    assert frame["start_s"].is_monotonic_increasing and frame["start_s"].iloc[1] > 0
