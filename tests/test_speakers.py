"""Interviewer and respondent are recognised from labels in three languages, or from questions."""

import pytest

from nlp_jtbd.ingest.labels import accept_labels
from nlp_jtbd.ingest.model import Piece, Turn
from nlp_jtbd.ingest.speakers import assign_roles, role_from_label, speaker_name


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("Интервьюер", "interviewer"), ("Ведущий", "interviewer"), ("Модератор", "interviewer"),
        ("Görüşmeci", "interviewer"), ("Moderator", "interviewer"), ("Interviewer 2", "interviewer"),
        ("Респондент", "respondent"), ("Клиентка", "respondent"), ("Katılımcı", "respondent"),
        ("Participant 3", "respondent"), ("**Interviewee**", "respondent"),
        ("Мария (интервьюер)", "interviewer"), ("Ahmet Bey (müşteri)", "respondent"),
        ("Анна", None), ("SPEAKER_00", None),
    ],
)  # fmt: skip
def test_role_words_in_labels(label: str, role: str | None) -> None:
    assert role_from_label(label) == role


def test_speaker_name_drops_markup_and_role_in_parentheses() -> None:
    assert speaker_name("**Мария (интервьюер):**") == "Мария"
    assert speaker_name("Interviewer") == "Interviewer"


def test_one_off_colon_phrases_are_not_speakers_but_recurring_names_are() -> None:
    labels = ["Ведущий", "Ольга", "Ведущий", "Ольга", "Цена", "Q"]
    assert accept_labels(labels) == {"ведущий", "ольга"}
    assert accept_labels(["Q", "A", "Q"]) == {"q", "a"}


def _turn(speaker: str, text: str) -> Turn:
    return Turn(speaker=speaker, pieces=[Piece(text, 0, len(text), "line 1")])


def test_anonymous_speakers_the_one_asking_questions_is_the_interviewer() -> None:
    turns = [
        _turn("SPEAKER_00", "Merhaba, buradayım."),
        _turn("SPEAKER_01", "Hoş geldiniz. İlk ne zaman düşündünüz?"),
        _turn("SPEAKER_00", "Geçen yıl kargo gecikince düşündüm."),
        _turn("SPEAKER_01", "Neden o zaman?"),
        _turn("SPEAKER_00", "Çünkü müşteriler şikayet ediyordu."),
        _turn("SPEAKER_01", "Peki başka neye baktınız?"),
    ]
    assert assign_roles(turns) == {"SPEAKER_00": "respondent", "SPEAKER_01": "interviewer"}


def test_forced_interviewer_wins_over_question_counting() -> None:
    turns = [_turn("A", "Why did you switch?"), _turn("B", "Because of price.")]
    assert assign_roles(turns, interviewers=["B"]) == {"B": "interviewer", "A": "respondent"}


def test_a_lone_speaker_has_an_unknown_role() -> None:
    assert assign_roles([_turn("Dictaphone", "Notes from the visit.")]) == {"Dictaphone": "unknown"}
