"""Every transcript format comes out as turns with the right speaker, role, text and provenance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ingest, turns

RU_MD = """---
customer_id: C0007
interviewee: Ирина Ю. Соколова
company: Клиника «Здоровье»
date: 2025-03-14
---
# Интервью: переход на Pulse

**Интервьюер:** Расскажите, когда вы впервые подумали, что нужно что-то менять?

**Респондент:** Ну, как бы... Это было в марте, т.е. сразу после проверки.
Мы тогда теряли ок. 30 записей в неделю.

Администраторы звонили всем вручную.

**Интервьюер:** А что было дальше?
**Респондент:** Дальше мы стали искать сервис.
Цена: 4 500 руб. в месяц, это нас устроило.
"""


def test_markdown_front_matter_labels_continuation_lines_and_colon_traps(write) -> None:
    frame, ingestor = ingest(write("ru.md", RU_MD))
    assert turns(frame) == [
        (
            "Интервьюер",
            "interviewer",
            "Расскажите, когда вы впервые подумали, что нужно что-то менять?",
        ),
        (
            "Респондент",
            "respondent",
            "Ну, как бы... Это было в марте, т.е. сразу после проверки. Мы тогда теряли ок. 30 записей "
            "в неделю. Администраторы звонили всем вручную.",
        ),
        ("Интервьюер", "interviewer", "А что было дальше?"),
        (
            "Респондент",
            "respondent",
            "Дальше мы стали искать сервис. Цена: 4 500 руб. в месяц, это нас устроило.",
        ),
    ]
    answer = frame[frame.turn_index == 1]
    assert list(answer.text) == [
        "Ну, как бы...",
        "Это было в марте, т.е. сразу после проверки.",
        "Мы тогда теряли ок. 30 записей в неделю.",
        "Администраторы звонили всем вручную.",
    ]
    row = frame.iloc[0]
    assert row.customer_id == "C0007"
    assert row.company == "Клиника «Здоровье»"
    assert row.date == "2025-03-14"
    assert row.title == "Интервью: переход на Pulse"
    assert row.lang == "ru" and row.source_type == "interview" and row.source_format == "md"
    assert not ingestor.report_.problems


def test_offsets_point_at_the_quote_in_the_source(write) -> None:
    path = write("ru.md", RU_MD)
    frame, _ = ingest(path)
    source = path.read_text(encoding="utf-8")
    for row in frame.itertuples():
        assert " ".join(source[row.char_start : row.char_end].split()) == row.text
        assert row.source_loc.startswith("line ")
    first = frame.iloc[0]
    assert source.splitlines()[int(first.source_loc.split()[1]) - 1].endswith(first.text)


EN_QA = """Interview with a logistics manager, March 2025

[00:00:05] Q: Thanks for joining. What were you using before?
[00:00:09] A: Honestly, e.g. spreadsheets and a Dr. Who mug of coffee.
We had approx. 40 trucks
and no tracking at all.
[00:01:10] Q: What made you start looking?
[00:01:12] A: A client cancelled a $2.5M contract. That was the trigger.
"""


def test_q_a_labels_with_timestamps_and_a_preamble(write) -> None:
    frame, _ = ingest(write("qa.txt", EN_QA))
    assert [(s, r) for s, r, _ in turns(frame)] == [
        ("Q", "interviewer"), ("A", "respondent"), ("Q", "interviewer"), ("A", "respondent")
    ]  # fmt: skip
    answer = frame[frame.turn_index == 1]
    assert list(answer.text) == [
        "Honestly, e.g. spreadsheets and a Dr. Who mug of coffee.",
        "We had approx. 40 trucks and no tracking at all.",
    ]
    assert answer.start_s.iloc[0] == 9.0
    assert frame.preamble.iloc[0] == "Interview with a logistics manager, March 2025"
    assert frame.lang.iloc[0] == "en"


def test_named_speakers_without_role_words_are_resolved_by_who_asks(write) -> None:
    text = (
        "Анна: Павел, расскажите, с чего всё началось?\n"
        "Павел: С того, что мы потеряли клиента.\n"
        "Анна: А почему потеряли?\n"
        "Павел: Не дозвонились вовремя.\n"
        "Итого: минус 200 тыс. руб.\n"
        "Анна: Понятно. Что вы сделали потом?\n"
        "Павел: Начали искать CRM.\n"
    )
    frame, _ = ingest(write("names.txt", text))
    assert [(s, r) for s, r, _ in turns(frame)] == [
        ("Анна", "interviewer"), ("Павел", "respondent"), ("Анна", "interviewer"),
        ("Павел", "respondent"), ("Анна", "interviewer"), ("Павел", "respondent"),
    ]  # fmt: skip
    assert "Итого: минус 200 тыс. руб." in turns(frame)[3][2]


def test_turkish_labels_and_otter_style_headers(write) -> None:
    tr = "Görüşmeci: Merhaba, ilk ne zaman düşündünüz?\nKatılımcı: Geçen yıl, 2. el araç alırken.\n"
    frame, _ = ingest(write("tr.txt", tr))
    assert turns(frame) == [
        ("Görüşmeci", "interviewer", "Merhaba, ilk ne zaman düşündünüz?"),
        ("Katılımcı", "respondent", "Geçen yıl, 2. el araç alırken."),
    ]
    assert frame.lang.iloc[0] == "tr"
    otter = (
        "Jane Doe  0:03\nSo how did it start? What happened?\n\n"
        "Marcus Bell  0:10\nWell, our old tool broke.\nWe lost a week.\n\n"
        "Marcus Bell  0:31\nAnd then we switched.\n\n"
        "Jane Doe  0:40\nWhy that one?\n\nTranscribed by https://otter.ai\n"
    )
    frame, _ = ingest(write("otter.txt", otter))
    assert [(s, r) for s, r, _ in turns(frame)] == [
        ("Jane Doe", "interviewer"), ("Marcus Bell", "respondent"), ("Jane Doe", "interviewer")
    ]  # fmt: skip
    assert list(frame[frame.turn_index == 1].text) == [
        "Well, our old tool broke.", "We lost a week.", "And then we switched."
    ]  # fmt: skip
    assert frame.start_s.iloc[0] == 3.0
    assert frame.transcribed_by.iloc[0] == "https://otter.ai"


def test_text_without_any_speaker_label_is_kept_and_reported(write) -> None:
    frame, ingestor = ingest(write("notes.txt", "Just my notes. Nothing labelled here.\n"))
    assert list(frame.text) == ["Just my notes.", "Nothing labelled here."]
    assert set(frame.role) == {"unknown"}
    assert "no speaker labels" in ingestor.report_.problems[0].message


TEAMS_VTT = """WEBVTT

NOTE
This transcript was generated automatically.

3f1c2a9e-1b2c-4d5e-9f00-1a2b3c4d5e6f/12-0
00:00:01.000 --> 00:00:04.000
<v Interviewer>So how did you first
hear about Pulse?</v>

3f1c2a9e-1b2c-4d5e-9f00-1a2b3c4d5e6f/13-0
00:00:04.500 --> 00:00:08.000
<v Sarah Chen>It was approx. two years ago, when our SMS</v>

NOTE the next cue continues the sentence

3f1c2a9e-1b2c-4d5e-9f00-1a2b3c4d5e6f/14-0
00:00:08.000 --> 00:00:10.000
<v Sarah Chen>provider went down &amp; we lost <i>orders</i>. It hurt.</v>

3f1c2a9e-1b2c-4d5e-9f00-1a2b3c4d5e6f/15-0
00:00:10.500 --> 00:00:12.000
<v Interviewer>What did you do?</v>
"""


def test_webvtt_voice_tags_notes_multiline_and_split_cues(write) -> None:
    path = write("teams.vtt", TEAMS_VTT)
    frame, ingestor = ingest(path)
    assert turns(frame) == [
        ("Interviewer", "interviewer", "So how did you first hear about Pulse?"),
        (
            "Sarah Chen",
            "respondent",
            "It was approx. two years ago, when our SMS provider went down & we lost orders. It hurt.",
        ),
        ("Interviewer", "interviewer", "What did you do?"),
    ]
    split = frame[frame.text.str.startswith("It was approx.")].iloc[0]
    assert (split.start_s, split.end_s) == (4.5, 10.0)
    assert split.source_loc == "cue 2, line 13"
    source = path.read_text()
    assert source[split.char_start : split.char_end].startswith("It was approx.")
    assert source[split.char_start : split.char_end].endswith("orders</i>.")
    # The NOTE comment is not speech: it is reported as left out, and nothing else is.
    messages = [p.message for p in ingestor.report_.problems]
    assert len(messages) == 1 and "left out NOTE" in messages[0], messages


ZOOM_VTT = """WEBVTT

1
00:00:01.200 --> 00:00:05.000
Мария (интервьюер): Иван, Елена, спасибо, что пришли. Когда вы начали искать замену?

2
00:00:05.500 --> 00:00:09.000
Иван Смирнов: Примерно год назад, когда наш провайдер

3
00:00:09.000 --> 00:00:12.000
Иван Смирнов: упал на два дня. Т.е. совсем.

4
00:00:12.500 --> 00:00:15.000
Елена Ким: А я была против, честно.

5
00:00:15.500 --> 00:00:17.000
Мария (интервьюер): Почему?
"""


def test_zoom_vtt_speaker_prefixes_with_two_respondents(write) -> None:
    frame, _ = ingest(write("zoom.vtt", ZOOM_VTT))
    assert turns(frame) == [
        (
            "Мария",
            "interviewer",
            "Иван, Елена, спасибо, что пришли. Когда вы начали искать замену?",
        ),
        (
            "Иван Смирнов",
            "respondent",
            "Примерно год назад, когда наш провайдер упал на два дня. Т.е. совсем.",
        ),
        ("Елена Ким", "respondent", "А я была против, честно."),
        ("Мария", "interviewer", "Почему?"),
    ]


SRT = """1
00:00:01,000 --> 00:00:03,000
INTERVIEWER: What happened
after the launch?

2
00:00:03,500 --> 00:00:06,000
MARCUS: We doubled the classes.

3
00:00:06,000 --> 00:00:09,000
Bookings went crazy, e.g. on Mondays.

4
00:00:09,500 --> 00:00:10,000
INTERVIEWER: And then?

5
00:00:10,000 --> 00:00:12,000
MARCUS: We switched.
"""


def test_srt_prefix_only_on_the_first_cue_of_a_turn(write) -> None:
    frame, _ = ingest(write("studio.srt", SRT))
    assert turns(frame) == [
        ("INTERVIEWER", "interviewer", "What happened after the launch?"),
        ("MARCUS", "respondent", "We doubled the classes. Bookings went crazy, e.g. on Mondays."),
        ("INTERVIEWER", "interviewer", "And then?"),
        ("MARCUS", "respondent", "We switched."),
    ]
    second = frame[frame.text == "Bookings went crazy, e.g. on Mondays."].iloc[0]
    assert (second.start_s, second.end_s) == (6.0, 9.0)


def test_malformed_cue_timing_is_reported_with_its_line_and_the_text_kept(write) -> None:
    broken = SRT.replace("00:00:06,000 --> 00:00:09,000", "00:00:06 -> 9")
    frame, ingestor = ingest(write("broken.srt", broken))
    assert "Bookings went crazy, e.g. on Mondays." in list(frame.text)
    warning = ingestor.report_.problems[0]
    assert warning.severity == "warning" and warning.loc == "line 11"
    assert "cue timing" in warning.message


def test_subtitle_file_without_cues_is_an_error(write) -> None:
    frame, ingestor = ingest(write("empty.vtt", "WEBVTT\n\nNOTE nothing here\n"))
    assert frame.empty
    assert ingestor.report_.files_failed == 1
    assert "no VTT cues" in ingestor.report_.errors[0].message


SEGMENTS = [
    {"speaker": "SPEAKER_00", "start": 0.0, "end": 1.5, "text": " Merhaba, buradayım."},
    {
        "speaker": "SPEAKER_01",
        "start": 1.6,
        "end": 5.0,
        "text": "Hoş geldiniz. Pulse'u ilk ne zaman düşündünüz?",
    },
    {"speaker": "SPEAKER_00", "start": 5.2, "end": 9.0, "text": "Geçen yıl kargo firması"},
    {
        "speaker": "SPEAKER_00",
        "start": 9.0,
        "end": 12.0,
        "text": "iki gün çalışmayınca. Müşteriler çok kızdı.",
    },
    {"speaker": "SPEAKER_01", "start": 12.5, "end": 14.0, "text": "Peki neden Pulse?"},
    {
        "speaker": "SPEAKER_00",
        "start": 14.2,
        "end": 17.0,
        "text": "Fiyatı 3.500 TL idi, uygun geldi.",
    },
]


@pytest.mark.parametrize("wrap", [False, True])
def test_diarized_json_anonymous_speakers_and_segments_wrapper(write, wrap: bool) -> None:
    data = (
        {"language": "tr", "metadata": {"customer_id": "C0031"}, "segments": SEGMENTS}
        if wrap
        else SEGMENTS
    )
    frame, _ = ingest(write("call.json", json.dumps(data, ensure_ascii=False)))
    assert [(s, r) for s, r, _ in turns(frame)] == [
        ("SPEAKER_00", "respondent"), ("SPEAKER_01", "interviewer"), ("SPEAKER_00", "respondent"),
        ("SPEAKER_01", "interviewer"), ("SPEAKER_00", "respondent"),
    ]  # fmt: skip
    joined = frame[frame.text.str.startswith("Geçen yıl")].iloc[0]
    assert joined.text == "Geçen yıl kargo firması iki gün çalışmayınca."
    assert (joined.start_s, joined.end_s) == (5.2, 12.0)
    assert frame.lang.iloc[0] == "tr"
    if wrap:
        assert frame.customer_id.iloc[0] == "C0031"


def test_forcing_the_interviewer_by_name(write) -> None:
    frame, _ = ingest(write("call.json", json.dumps(SEGMENTS)), interviewers=("SPEAKER_00",))
    assert frame[frame.speaker == "SPEAKER_00"].role.unique().tolist() == ["interviewer"]


def test_meeting_json_with_content_field_and_no_timestamps(write) -> None:
    data = {"meeting_transcripts": [
        {"speaker": "Project Manager", "content": "Okay. So what do users want from a remote?"},
        {"speaker": "Marketing", "content": "They lose it. Fifty percent said so."},
    ]}  # fmt: skip
    frame, _ = ingest(write("meeting.json", json.dumps(data)))
    assert list(frame.speaker.unique()) == ["Project Manager", "Marketing"]
    assert frame.start_s.isna().all()


def test_malformed_json_names_line_and_column(write) -> None:
    _, ingestor = ingest(write("bad.json", '{"segments": [\n  {"speaker": "A", "text": "hi"\n]}'))
    error = ingestor.report_.errors[0]
    assert error.loc == "line 3, column 1" and "malformed JSON" in error.message
    assert error.fix


def _docx(
    path: Path, paragraphs: list[tuple[str, str]], table: list[list[str]] | None = None
) -> Path:
    from docx import Document

    doc = Document()
    doc.add_paragraph("Görüşme: Pulse'a geçiş")
    doc.add_paragraph("Tarih: 12.04.2025")
    for label, text in paragraphs:
        para = doc.add_paragraph()
        if label:
            para.add_run(label).bold = True
        para.add_run(text)
    if table:
        grid = doc.add_table(rows=0, cols=len(table[0]))
        for row in table:
            cells = grid.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = value
    doc.save(path)
    return path


def test_docx_with_bold_labels_and_a_metadata_line(tmp_path: Path) -> None:
    path = _docx(
        tmp_path / "tr.docx",
        [
            ("Görüşmeci: ", "Hoş geldiniz. Pulse'u nasıl buldunuz?"),
            ("Katılımcı: ", "Bir fuarda gördük, vb. yerlerde de reklamı vardı."),
            ("", "Sonra Dr. Kaya önerdi."),
            ("Görüşmeci: ", "Neden değiştirdiniz?"),
        ],
    )
    frame, _ = ingest(path)
    assert turns(frame) == [
        ("Görüşmeci", "interviewer", "Hoş geldiniz. Pulse'u nasıl buldunuz?"),
        (
            "Katılımcı",
            "respondent",
            "Bir fuarda gördük, vb. yerlerde de reklamı vardı. Sonra Dr. Kaya önerdi.",
        ),
        ("Görüşmeci", "interviewer", "Neden değiştirdiniz?"),
    ]
    assert frame.tarih.iloc[0] == "12.04.2025"
    assert frame.lang.iloc[0] == "tr"


def test_docx_table_transcript(tmp_path: Path) -> None:
    path = _docx(
        tmp_path / "table.docx",
        [],
        table=[
            ["Interviewer", "What was the first thing you tried?"],
            ["Respondent", "A cheaper SMS gateway. It failed twice."],
        ],
    )
    frame, _ = ingest(path)
    assert [(s, r) for s, r, _ in turns(frame)] == [
        ("Interviewer", "interviewer"),
        ("Respondent", "respondent"),
    ]


def test_broken_docx_is_reported(write) -> None:
    _, ingestor = ingest(write("broken.docx", b"PK\x03\x04 not really a zip"))
    assert "not a readable Word document" in ingestor.report_.errors[0].message


def test_transcript_mixing_utf8_and_cp1251_lines_is_decoded_and_reported(write) -> None:
    data = (
        "Интервьюер: Почему вы ушли?\n".encode()
        + "Респондент: Дорого, т.е. очень дорого.\n".encode("cp1251")
    )
    frame, ingestor = ingest(write("mixed.txt", data))
    assert list(frame.text) == ["Почему вы ушли?", "Дорого, т.е. очень дорого."]
    assert "lines 2" in ingestor.report_.problems[0].message


EXPECTED_EXAMPLE_SPEAKERS = {
    "ru_clinic_switch.md": {"Интервьюер": "interviewer", "Респондент": "respondent"},
    "ru_delivery_switch.txt": {"Ведущий": "interviewer", "Ольга": "respondent"},
    "ru_bank_team.vtt": {
        "Мария": "interviewer",
        "Иван Смирнов": "respondent",
        "Елена Ким": "respondent",
    },
    "en_online_store.vtt": {"Interviewer": "interviewer", "Sarah Chen": "respondent"},
    "en_fitness_studio.srt": {"INTERVIEWER": "interviewer", "MARCUS": "respondent"},
    "en_logistics_qa.txt": {"Q": "interviewer", "A": "respondent"},
    "tr_ecommerce.json": {"SPEAKER_01": "interviewer", "SPEAKER_00": "respondent"},
    "tr_b2b_distributor.docx": {"Görüşmeci": "interviewer", "Katılımcı": "respondent"},
}


@pytest.mark.parametrize("name", sorted(EXPECTED_EXAMPLE_SPEAKERS))
def test_bundled_interviews_have_the_right_speakers_and_roles(name: str) -> None:
    from conftest import EXAMPLES

    frame, ingestor = ingest(
        EXAMPLES / "interviews" / name, meta=EXAMPLES / "interviews" / "manifest.csv"
    )
    assert dict(frame.groupby("speaker").role.first()) == EXPECTED_EXAMPLE_SPEAKERS[name]
    assert frame.customer_id.str.match(r"^C\d{4}$").all()
    assert frame.lang.iloc[0] == name[:2]
    assert frame.utterance_id.is_unique
    assert not ingestor.report_.errors


def test_content_beats_a_misleading_suffix(write) -> None:
    frame, _ = ingest(write("export.txt", json.dumps(SEGMENTS, ensure_ascii=False)))
    assert set(frame.source_format) == {"json"}
    frame, _ = ingest(write("subs.txt", SRT))
    assert set(frame.source_format) == {"srt"}
    frame, _ = ingest(write("teams.txt", TEAMS_VTT))
    assert set(frame.source_format) == {"vtt"}
