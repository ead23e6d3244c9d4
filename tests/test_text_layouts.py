"""Text transcript layouts (Rev, Otter, Descript, Google Meet, Markdown notes, plain text with a
preamble, DOCX): the right speakers, turns and times, and nothing left out without a warning."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from conftest import ingest, turns

from nlp_jtbd.ingest.formats import detect_format
from nlp_jtbd.ingest.labels import LabelUse, accept_labels, speaker_labels


def _warnings(ingestor) -> list[tuple[str | None, str]]:
    return [(p.loc, p.message) for p in ingestor.report_.problems if p.severity == "warning"]


REV = """Bob Moesta interview (Completed  02/11/25)

Lenny (00:00:00):
Bob, thank you for being here. Where does the switch start?

Bob Moesta (00:00:05): It starts with a struggle. Nobody switches for fun.
And the struggle is usually months old.

Lenny (00:48:05):
What do people get wrong?

Bob Moesta (48:09):
They ask about features. Features don't make people move.
"""


def test_rev_labels_with_timestamps_on_the_same_or_the_next_line(write) -> None:
    frame, ingestor = ingest(write("rev.txt", REV))
    assert [(s, r) for s, r, _ in turns(frame)] == [
        ("Lenny", "interviewer"), ("Bob Moesta", "respondent"),
        ("Lenny", "interviewer"), ("Bob Moesta", "respondent"),
    ]  # fmt: skip
    assert list(zip(frame.text, frame.start_s, strict=True)) == [
        ("Bob, thank you for being here.", 0.0),
        ("Where does the switch start?", 0.0),
        ("It starts with a struggle.", 5.0),
        ("Nobody switches for fun.", 5.0),
        ("And the struggle is usually months old.", 5.0),
        ("What do people get wrong?", 2885.0),
        ("They ask about features.", 2889.0),
        ("Features don't make people move.", 2889.0),
    ]
    assert not frame.text.str.contains(r"\(\d|^[:：]", regex=True).any()
    assert frame.preamble.iloc[0] == "Bob Moesta interview (Completed  02/11/25)"
    assert not _warnings(ingestor)


OTTER = """Jane Doe  0:03
So how did it start?

Marcus Bell  1:02:03
Our old tool broke. We lost a week.

Jane Doe  1:02:10
And then?

Transcribed by https://otter.ai
"""


def test_otter_headers_and_the_footer_reported_as_left_out(write) -> None:
    frame, ingestor = ingest(write("otter.txt", OTTER))
    assert [(s, r) for s, r, _ in turns(frame)] == [
        ("Jane Doe", "interviewer"), ("Marcus Bell", "respondent"), ("Jane Doe", "interviewer")
    ]  # fmt: skip
    assert list(frame.start_s) == [3.0, 3723.0, 3723.0, 3730.0]
    assert frame.transcribed_by.iloc[0] == "https://otter.ai"
    (loc, message), *_ = _warnings(ingestor)
    assert loc == "line 10"
    assert message.startswith("left out the transcription tool's header or footer")
    assert "(31 characters)" in message


DESCRIPT = """Анна: [00:00:00] Расскажите, как всё началось?

Игорь: [00:00:04] В сентябре зал переполнился.

[00:00:20] Половину людей отправили домой.

Мы потеряли двоих клиентов.

Анна: [00:00:31] А дальше?
"""


def test_descript_unlabelled_paragraphs_continue_the_speaker_with_their_own_times(write) -> None:
    frame, _ = ingest(write("descript.txt", DESCRIPT))
    assert [(s, t) for s, _, t in turns(frame)] == [
        ("Анна", "Расскажите, как всё началось?"),
        ("Игорь", "В сентябре зал переполнился. Половину людей отправили домой. "
         "Мы потеряли двоих клиентов."),
        ("Анна", "А дальше?"),
    ]  # fmt: skip
    assert list(frame.start_s) == [0.0, 4.0, 20.0, 20.0, 31.0]


MEET = """Haftalık görüşme - Transcript
Attendees
Ayşe Demir, Kerem Öztürk, Mehmet Kaya
Transcript
This editable transcript was computer generated and might contain errors.
00:00:00

Kerem Öztürk: Merhaba, nasıl başladı?
Ayşe Demir: Kasımda telefonlar susmadı.
Mehmet Kaya: Ben de o hafta depodaydım.
Kerem Öztürk: Sonra ne oldu?
00:05:00

Ayşe Demir: Pulse'a geçtik.
Meeting ended after 00:06:12 👋
"""


def test_google_meet_attendees_time_markers_header_and_footer(write) -> None:
    frame, ingestor = ingest(write("meet.txt", MEET))
    # Mehmet speaks once, but the attendee list names him: he is a speaker, not Ayşe's words.
    assert [s for s, _, _ in turns(frame)] == [
        "Kerem Öztürk", "Ayşe Demir", "Mehmet Kaya", "Kerem Öztürk", "Ayşe Demir"
    ]  # fmt: skip
    assert list(frame.start_s.fillna(-1)) == [0.0, -1, -1, -1, 300.0]
    found = dict(_warnings(ingestor))
    assert found["lines 1-4"].startswith("left out the preamble before the first speaker")
    assert found["lines 5, 15"].startswith("left out the transcription tool's header or footer")


NOTES = """---
interviewer: Jane
summary: |
  Anna switched after a double booking.
  Price was never the issue.
---
# Switch interview: Anna

**Jane:** What happened before you started looking?

**Anna:** A patient came in and found someone else in her slot.

**Important**
The trigger is the embarrassment, not the booking error.

**Jane:** What did you do next?

**Anna:** I called two friends who run clinics.

> She repeated "never again" twice.

**Key insight:** trust comes from a peer.

**Jane:** What almost stopped you?

**Anna:** Moving the patient list.

**Important**
Data migration is the barrier.

Note: this part was noisy.

**Jane:** Thanks!

**Anna:** Thank you.

**Important**
Call back in a month.

## Key takeaways

- **Trigger:** a double booking.
- **Barrier:** the patient list.
"""


def test_markdown_annotations_headings_and_summaries_are_not_speech(write) -> None:
    frame, ingestor = ingest(write("notes.md", NOTES))
    assert turns(frame) == [
        ("Jane", "interviewer", "What happened before you started looking?"),
        ("Anna", "respondent", "A patient came in and found someone else in her slot."),
        ("Jane", "interviewer", "What did you do next?"),
        ("Anna", "respondent", "I called two friends who run clinics."),
        ("Jane", "interviewer", "What almost stopped you?"),
        ("Anna", "respondent", "Moving the patient list."),
        ("Jane", "interviewer", "Thanks!"),
        ("Anna", "respondent", "Thank you."),
    ]
    assert "summary" not in frame.columns
    found = dict(_warnings(ingestor))
    assert found["lines 3-5"].startswith("left out the front matter field 'summary'")
    annotations = found["lines 13-14, 20-22, 28-31, 37-38"]
    assert annotations.startswith("left out the researcher's annotations in 4 places, not speech")
    assert found["lines 40-43"].startswith("left out a summary section")
    assert frame.title.iloc[0] == "Switch interview: Anna"


def test_a_bold_heading_that_repeats_but_never_takes_turns_is_not_a_speaker(write) -> None:
    text = "".join(
        f"**Mia:** Question {i}?\n\n**Tom:** Answer {i}, a long one.\n\n"
        f"**The negotiation:** note {i}.\n\n**Timing:** week {i}.\n\n**Budget:** about {i}k.\n\n"
        for i in range(1, 4)
    )
    frame, ingestor = ingest(write("writeup.md", text))
    assert dict(frame.groupby("speaker").role.first()) == {
        "Mia": "interviewer",
        "Tom": "respondent",
    }
    assert len(turns(frame)) == 6
    ((loc, message),) = _warnings(ingestor)
    assert loc == "lines 5-9, 15-19, 25-29" and "annotations in 3 places" in message


def test_a_third_voice_is_kept_apart(write) -> None:
    text = (
        "Chris: Welcome to the show. My guest is Priya.\n"
        "Sam: This show is brought to you by Ledgerline.\n"
        "Chris: Priya, how did you schedule before?\n"
        "Priya: With a spreadsheet.\n"
        "Chris: And then?\n"
        "Priya: I switched.\n"
        "Chris: A word from our sponsor.\n"
        "Sam: Ledgerline chases late invoices for you.\n"
        "Chris: Priya, what was hardest?\n"
        "Priya: The older cleaners.\n"
    )
    frame, _ = ingest(write("podcast.txt", text))
    assert [s for s, _, _ in turns(frame)] == [
        "Chris", "Sam", "Chris", "Priya", "Chris", "Priya", "Chris", "Sam", "Chris", "Priya"
    ]  # fmt: skip


PREAMBLE = """Customer interview – switching to Pulse
Date: 2025-03-14
Participants: Elif Şahin, Burak Yıldız

This interview was done with the owner of a car service.
It took twenty minutes.

Elif: How did you book before?
Burak: By phone.
Elif: And now?
Burak: Online.
"""


def test_a_preamble_is_reported_with_its_lines_and_size_not_hidden_in_metadata(write) -> None:
    frame, ingestor = ingest(write("pre.txt", PREAMBLE))
    assert len(turns(frame)) == 4
    assert "preamble" not in frame.columns
    assert frame.date.iloc[0] == "2025-03-14"
    chars = len("Customer interview – switching to Pulse") + len(
        "This interview was done with the owner of a car service.It took twenty minutes."
    )
    ((loc, message),) = _warnings(ingestor)
    assert loc == "lines 1-6"
    assert message.startswith("left out the preamble before the first speaker, not speech")
    assert f"({chars:,} characters)" in message


def test_header_fields_naming_the_people_are_metadata_not_turns(write) -> None:
    text = (
        "Interviewer: Jane Doe\nParticipant: Marcus Bell\n\n"
        "Jane Doe: Tell me about the old tool.\nMarcus Bell: It broke.\n"
        "Jane Doe: Then what?\nMarcus Bell: We switched.\n"
    )
    frame, _ = ingest(write("fields.txt", text))
    assert [(s, r) for s, r, _ in turns(frame)][:2] == [
        ("Jane Doe", "interviewer"), ("Marcus Bell", "respondent")
    ]  # fmt: skip
    assert frame.interviewer.iloc[0] == "Jane Doe"


@pytest.mark.parametrize(
    ("first", "second", "start"),
    [
        ("[00:01:23] Ann: Why?", "[00:01:30] Bo: Because.", 83.0),
        ("(01:23) Ann: Why?", "(01:30) Bo: Because.", 83.0),
        ("00:01:23 Ann: Why?", "00:01:30 Bo: Because.", 83.0),
        ("Ann (01:23): Why?", "Bo (01:30): Because.", 83.0),
        ("Ann: [1:02:03.5] Why?", "Bo: [1:02:10] Because.", 3723.5),
        ("**Ann** (00:01:23): Why?", "**Bo** (00:01:30): Because.", 83.0),
        ("Ann  0:03\nWhy?", "Bo  0:10\nBecause.", 3.0),
        ("**Ann** [00:00:03]\nWhy?", "**Bo** [00:00:10]\nBecause.", 3.0),
    ],
)
def test_every_timestamp_form_times_its_block(write, first: str, second: str, start: float):
    text = "\n".join([first, second, first, second]) + "\n"
    frame, _ = ingest(write("times.txt", text))
    assert list(frame.speaker) == ["Ann", "Bo", "Ann", "Bo"]
    assert list(frame.text) == ["Why?", "Because.", "Why?", "Because."]
    assert frame.start_s.iloc[0] == start


def test_colon_words_inside_an_answer_stay_and_the_researchers_notes_do_not(write) -> None:
    text = (
        "Анна: Почему ушли?\nПавел: Дорого.\nЦена: 4 500 руб. в месяц.\nИтого: минус клиент.\n"
        "Note: the line dropped here.\nKey takeaways:\n- price\n\nАнна: А потом?\n"
        "Павел: Нашли Pulse.\n"
    )
    frame, ingestor = ingest(write("trap.txt", text))
    assert turns(frame)[1][2] == "Дорого. Цена: 4 500 руб. в месяц. Итого: минус клиент."
    assert [s for s, _, _ in turns(frame)] == ["Анна", "Павел", "Анна", "Павел"]
    ((loc, message),) = _warnings(ingestor)
    assert loc == "lines 5-7" and "annotations" in message


def test_no_quote_starts_with_a_colon(write) -> None:
    text = "Ann:: Hello there?\n**Bo**: Hi.\nAnn (00:00:05) : Why?\n**Bo:**: Because.\n"
    frame, _ = ingest(write("colons.txt", text))
    assert list(frame.text) == ["Hello there?", "Hi.", "Why?", "Because."]


def test_docx_with_otter_headers_and_rev_labels(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    for line in ["Jane Doe  0:03", "Why switch?", "Marcus Bell  0:10", "It broke.",
                 "Jane Doe  0:20", "Then?", "Marcus Bell (00:25):", "We moved."]:  # fmt: skip
        doc.add_paragraph(line)
    doc.save(tmp_path / "otter.docx")
    frame, _ = ingest(tmp_path / "otter.docx")
    assert list(zip(frame.speaker, frame.start_s, strict=True)) == [
        ("Jane Doe", 3.0), ("Marcus Bell", 10.0), ("Jane Doe", 20.0), ("Marcus Bell", 25.0)
    ]  # fmt: skip


def _uses(*labels: str) -> list[LabelUse]:
    return [LabelUse(label) for label in labels]


def test_labels_that_take_turns_are_speakers_and_repeated_notes_are_not() -> None:
    # A heading after each answer repeats, but never takes turns with anyone.
    assert speaker_labels(_uses(*["Mia", "Tom", "Budget"] * 3)) == {"mia", "tom"}
    # A second interviewer takes turns with the respondent.
    assert speaker_labels(_uses(*["Ann", "Rob", "Kim", "Rob"] * 2)) == {"ann", "rob", "kim"}
    # Phrases and annotation words are never speakers, however they alternate.
    assert speaker_labels(_uses(*["Mia", "The negotiation"] * 3)) == {"mia"}
    assert speaker_labels(_uses(*["Interviewer", "Key insight", "Note"] * 3)) == {"interviewer"}
    # One recurring name and nothing else: the one speaker the text names.
    assert speaker_labels(_uses("Anna", "Anna", "Anna")) == {"anna"}
    # Timestamped labels of a tool's layout are speakers even when they speak once.
    timed = [LabelUse(x, timed=True) for x in ["Host", "Sponsor Voice", "Host", "Guest"]]
    assert speaker_labels(timed) == {"host", "sponsor voice", "guest"}
    # A name given by the user or the document is a speaker even once.
    assert speaker_labels(_uses("Ann", "Bo", "Ann", "Cy"), known=["Cy"]) == {"ann", "cy"}
    assert accept_labels(["Ведущий", "Ольга", "Ведущий", "Ольга", "Цена", "Q"]) == {
        "ведущий",
        "ольга",
    }


def test_format_from_content_as_well_as_the_suffix() -> None:
    srt = "1\n00:00:01,000 --> 00:00:02,000\nHi\n"
    assert detect_format(Path("a.txt"), codecs.BOM_UTF16_LE + srt.encode("utf-16-le")) == "srt"
    assert detect_format(Path("a.md"), srt.encode()) == "srt"
    assert detect_format(Path("transcript"), b"Ann: Hi\nBo: Hello\n") == "txt"
    zipped = b"PK\x03\x04" + b"\x00" * 26 + b"[Content_Types].xml" + b"word/document.xml"
    assert detect_format(Path("export.txt"), zipped) == "docx"


def test_timestamp_ranges_give_start_and_end(write) -> None:
    text = (
        "[00:00:00.000 --> 00:00:04.000] SPEAKER_00: So how did you start?\n"
        "[00:00:04.000 --> 00:00:09.500] SPEAKER_01: We used paper.\n"
        "[00:00:09.500 --> 00:00:12.000] SPEAKER_00: Why?\n"
        "[00:00:12.000 --> 00:00:15.000] SPEAKER_01: It got lost.\n"
    )
    frame, _ = ingest(write("ranges.txt", text))
    assert list(zip(frame.start_s, frame.end_s, strict=True)) == [
        (0.0, 4.0), (4.0, 9.5), (9.5, 12.0), (12.0, 15.0)
    ]  # fmt: skip
    unlabelled = "[00:00:00.000 --> 00:00:04.000]  So how did you start?\n"
    frame, _ = ingest(write("whisper.txt", unlabelled))
    assert list(frame.text) == ["So how did you start?"]
    assert (frame.start_s.iloc[0], frame.end_s.iloc[0]) == (0.0, 4.0)


def test_time_lines_inside_an_answer_are_not_speakers_and_stay_in_it(write) -> None:
    text = (
        "00:00:03 - Anna Kim\nHow do you plan shifts?\n\n00:00:10 - Bob Lee\nOn a whiteboard:\n"
        "9:00 Monday\n10:30 Tuesday\n\n00:00:21 - Anna Kim\nWhy change?\n\n"
        "00:00:25 - Bob Lee\nIt got wiped.\n"
    )
    frame, ingestor = ingest(write("schedule.txt", text))
    assert [s for s, _, _ in turns(frame)] == ["Anna Kim", "Bob Lee", "Anna Kim", "Bob Lee"]
    assert turns(frame)[1][2] == "On a whiteboard: 9:00 Monday 10:30 Tuesday"
    assert not _warnings(ingestor)


def test_a_quoted_dialogue_keeps_its_continuation_lines(write) -> None:
    text = "> **Jane:** How?\n> more from Jane\n>\n> **Anna:** Well.\n> and more.\n"
    frame, ingestor = ingest(write("quoted.md", text * 2))
    assert [t for _, _, t in turns(frame)][:2] == ["How? more from Jane", "Well. and more."]
    assert not _warnings(ingestor)


def test_a_header_block_keeps_its_fields_and_reports_its_prose(write) -> None:
    text = (
        "Title: Pulse switch\nContext: We met at a cafe, it was noisy.\nDate: 2025-01-01\n\n"
        "Anna: How?\nBob: Like this.\nAnna: Why?\nBob: Because.\n"
    )
    frame, ingestor = ingest(write("header.txt", text))
    assert (frame.title.iloc[0], frame.date.iloc[0]) == ("Pulse switch", "2025-01-01")
    assert frame.preamble.iloc[0] == "Context: We met at a cafe, it was noisy."
    assert len(turns(frame)) == 4 and not _warnings(ingestor)
