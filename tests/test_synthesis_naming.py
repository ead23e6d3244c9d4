"""Names a researcher can read and repeat: a short phrase in the members' own words, in the
candidate's majority language, cleaned of what people say but would not write down, and the
statement the members share rather than one member's story detail.

The examples are the kind of sentences real interviews in Russian, English and Turkish hold
(several from the team's planted corpus, bench/data/planted/)."""

from __future__ import annotations

import pytest

from nlp_jtbd.synthesis import ExtractiveNamer, Members, clean_phrase
from nlp_jtbd.synthesis.naming import name_candidate
from nlp_jtbd.synthesis.phrases import best_phrase, reads_whole, spans


def members(category: str, *said: tuple[str, str]) -> Members:
    """Members closest to the centre first, each said by another customer."""
    return Members(
        category=category,
        texts=tuple(text for _, text in said),
        langs=tuple(lang for lang, _ in said),
        similarity=tuple(0.9 - 0.05 * i for i in range(len(said))),
        customers=tuple(f"c{i}" for i in range(len(said))),
    )


@pytest.mark.parametrize(
    ("said", "name"),
    [
        # discourse markers, hedges and speaker address at the start; a hedge at the end
        ("Главное — айтишник наш говорил, что отдавать доступ к счетам в облако небезопасно.",
         "Айтишник наш говорил, что отдавать доступ к счетам в облако небезопасно"),
        ("Ну, если честно, ребята, боялись, что всё сломается, наверное.",
         "Боялись, что всё сломается"),
        ("Abi, açıkçası fiyat bizim için biraz fazlaydı, falan.",
         "Fiyat bizim için biraz fazlaydı"),
        ("So, guys, the thing is, we just needed payroll to be right every single time, you know?",
         "We just needed payroll to be right every single time"),
        ("Müşteriler oradan yazıyordu, kargom nerede, iade nasıl olacak, falan filan.",
         "Müşteriler oradan yazıyordu, kargom nerede, iade nasıl olacak"),
        ("Сказала: если вы хоть раз теряли заказы из-за смс, то поймёте.",
         "Если вы хоть раз теряли заказы из-за смс, то поймёте"),
        # a hedge between commas goes, the clause stays whole
        ("I mostly wanted to stop being surprised, like, to open the app and know.",
         "I mostly wanted to stop being surprised, to open the app and know"),
    ],
)  # fmt: skip
def test_what_people_say_but_would_not_write_down_is_cleaned_away(said: str, name: str) -> None:
    assert clean_phrase(said) == name


def test_a_phrase_that_leaves_the_thought_open_does_not_read_whole() -> None:
    assert reads_whole("We wanted staff paid the right amount on time")
    assert not reads_whole("Бухгалтер, моя двоюродная сестра, ушла в декрет, и я понял")
    assert not reads_whole("Because the old tool kept crashing every week")  # depends on before
    assert not reads_whole("Kestiğimiz faturalarda hata çıktı ve")
    assert not reads_whole("Pay staff")  # too short to say a job


def test_candidate_phrases_are_whole_clauses_never_cut_mid_phrase() -> None:
    said = "Kaparolar, tedarikçi ödemeleri, maaşlar, bu ay elimde ne kadar para kalacak, bilmek istedim."
    found = {phrase: listed for phrase, _, listed in spans(said)}
    assert "Bu ay elimde ne kadar para kalacak, bilmek istedim" in found
    assert found["Maaşlar, bu ay elimde ne kadar para kalacak"]  # opens inside the list
    assert all(not phrase.endswith((",", " ve", " и")) for phrase in found)
    asked = {phrase: weak for phrase, _, weak in spans("Can we take our templates with us? Sure.")}
    assert asked["Can we take our templates with us"]  # a question is a weak name


def test_the_shared_job_names_the_candidate_not_a_story_detail() -> None:
    job = members(
        "main_job",
        ("en", "Caregivers work different hours every week."),  # context, closest to the centre
        ("en", "I needed every caregiver paid the right amount on time, whatever their hours."),
        ("en", "We wanted staff and contractors paid correctly and on time every payday."),
        ("en", "Paying our staff the right amount on time was the whole point."),
        ("en", "My contractors kept complaining they were paid late or short."),
    )
    assert ExtractiveNamer().name(job) == "I needed every caregiver paid the right amount on time"


def test_a_list_opening_gives_way_to_the_clause_that_states_the_job() -> None:
    job = members(
        "main_job",
        (
            "tr",
            "Kaparolar, tedarikçi ödemeleri, maaşlar, bu ay elimde gerçekten ne kadar para "
            "kalacağını görmek istiyordum.",
        ),
        ("tr", "Her sabah bankada ne kadar param olduğunu görmek istiyordum."),
        ("en", "I wanted to see how much money we really have."),
        ("tr", "Ayın sonunda elimde ne kadar para kalacağını bilmek istedim."),
        (
            "tr",
            "Hangi ödemenin ne zaman geleceğini ve ne kadar paramız olduğunu görmek istiyordum.",
        ),
    )
    name = ExtractiveNamer().name(job)
    assert name == "Bu ay elimde gerçekten ne kadar para kalacağını görmek istiyordum"


def test_the_name_is_in_the_majority_language_of_the_candidate() -> None:
    barrier = members(
        "barrier",
        ("en", "I didn't want to give a cloud service access to our bank account."),
        ("ru", "Ну, боялся давать доступ к банку какому-то облаку."),
        ("ru", "Страшно было подключать расчётный счёт к облачному сервису."),
        ("tr", "Banka hesabımızı bir bulut servisine bağlamak beni korkuttu."),
        ("ru", "Не хотелось отдавать доступ к счёту в облако, мало ли что."),
    )
    name = ExtractiveNamer().name(barrier)
    assert any("а" <= ch <= "я" for ch in name.lower())  # Russian: three of five members
    assert not name.lower().startswith("ну")


class PlainNamer:
    def name(self, members: Members) -> str:
        return "Get invoices paid on time"


def test_who_named_a_candidate_is_known_for_any_namer() -> None:
    job = members("main_job", ("en", "We needed invoices paid on time without chasing anyone."))
    assert name_candidate(ExtractiveNamer(), job)[1] == "extractive"
    assert name_candidate(PlainNamer(), job) == ("Get invoices paid on time", "plainnamer")


def test_a_name_does_not_carry_one_members_person_or_place() -> None:
    # "Derek" is one member's colleague: the statement the members share is about people who
    # quit over their hours, said without him
    texts = [
        "So that the schedule fills itself. And so people like Derek don't quit over hours.",
        "People quit when their hours are a mess, so we needed fair shifts.",
        "Good people don't quit if the hours are fair.",
    ]
    name = best_phrase(texts, [0.9, 0.8, 0.7])
    assert "Derek" not in name and "quit" in name
