"""Sentence splitting is right for Russian, English and Turkish speech."""

import pytest

from nlp_jtbd.ingest.sentences import split_sentences


def sentences(text: str, lang: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text, lang)]


def test_russian_abbreviations_and_initials_do_not_end_sentences() -> None:
    text = "Платили ок. 5 тыс. руб. в месяц, т.е. немного. Потом пришёл А. С. Петров и сказал: «Хватит!» И всё."
    assert sentences(text, "ru") == [
        "Платили ок. 5 тыс. руб. в месяц, т.е. немного.",
        "Потом пришёл А. С. Петров и сказал: «Хватит!»",
        "И всё.",
    ]


def test_english_abbreviations_do_not_end_sentences() -> None:
    text = "Dr. Lee said try it, e.g. for invoices. We paid approx. $5k vs. the old tool. At six a.m. on Monday the U.S. office called."
    assert sentences(text, "en") == [
        "Dr. Lee said try it, e.g. for invoices.",
        "We paid approx. $5k vs. the old tool.",
        "At six a.m. on Monday the U.S. office called.",
    ]


def test_short_words_before_a_period_still_end_english_sentences() -> None:
    assert sentences("Oh no. Do you still keep it? Yes.", "en") == [
        "Oh no.",
        "Do you still keep it?",
        "Yes.",
    ]
    assert sentences("See No. 5 on the list.", "en") == ["See No. 5 on the list."]


def test_turkish_ordinals_titles_and_thousands() -> None:
    text = "2. el araba aldık. Prof. Dr. Ayşe Hanım geldi. Fiyat 3.500 TL idi, vb. masraflar da var. Tamam mı? Evet."
    assert sentences(text, "tr") == [
        "2. el araba aldık.",
        "Prof. Dr. Ayşe Hanım geldi.",
        "Fiyat 3.500 TL idi, vb. masraflar da var.",
        "Tamam mı?",
        "Evet.",
    ]


@pytest.mark.parametrize("lang", ["ru", "en", "tr"])
def test_blank_line_is_a_hard_break_and_spans_are_trimmed(lang: str) -> None:
    text = "  first part without a full stop\n\nsecond part.  "
    spans = split_sentences(text, lang)
    assert [text[a:b] for a, b in spans] == ["first part without a full stop", "second part."]


def test_transcription_markup_is_dropped_from_the_quote_text() -> None:
    from nlp_jtbd.ingest.normalise import tidy

    assert tidy("{vocalsound} Okay , that's {disfmarker} fine .") == "Okay, that's fine."
    assert tidy("We paid [inaudible 00:12:03] a lot (laughs) really") == "We paid a lot really"
    assert tidy("Ну [неразборчиво] дорого (смеётся).") == "Ну дорого."
    assert tidy("Fiyat [anlaşılmıyor] yüksekti.") == "Fiyat yüksekti."
    assert (
        tidy("Keep [Acme Corp] and (sometimes) brackets.")
        == "Keep [Acme Corp] and (sometimes) brackets."
    )
