"""Roles without role words: whoever asks is the interviewer, more than two speakers stay apart,
and names given as `interviewers`/`respondents` decide exactly their speakers in every format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ingest, turns

from nlp_jtbd.ingest.model import Piece, Turn
from nlp_jtbd.ingest.questions import is_question
from nlp_jtbd.ingest.speakers import decide_roles


def _roles(frame) -> dict[str, str]:
    return dict(zip(frame["speaker"], frame["role"], strict=True))


def _sources(ingestor) -> dict[str, str]:
    return {r.speaker: r.role_source for r in ingestor.report_.speakers}


EN = """Lenny: Welcome to the show, Bob. Thanks for coming on.
Bob Moesta: Thanks for having me, it's great to be here.
Lenny: So when did you first realise the old tool wasn't working for you?
Bob Moesta: It was after our biggest client churned. Nobody followed up on their complaint for two
weeks, and that was the moment we started looking for something else.
Lenny: What did you try first?
Bob Moesta: We tried a shared inbox. It lasted a month, because nobody owned a thread and people
still dropped things.
Lenny: And what almost stopped you from switching?
Bob Moesta: Honestly, the migration. We had five years of history in spreadsheets.
"""
RU = """Анна: Павел, добрый день. Расскажите, чем вы занимаетесь.
Павел: Я руковожу отделом продаж в небольшой компании, у нас двенадцать менеджеров.
Анна: Когда вы поняли, что пора менять CRM?
Павел: Когда мы потеряли крупного клиента. Заявка висела три дня, и никто её не взял.
Анна: Что вас останавливало раньше?
Павел: Страх, что переезд займёт полгода. Мы боялись потерять историю сделок.
"""
TR = """Zeynep: Merhaba Murat Bey, zaman ayırdığınız için teşekkürler.
Murat: Rica ederim, memnuniyetle.
Zeynep: Eski sisteminizi ne zaman değiştirmeye karar verdiniz?
Murat: Geçen kış kargo gecikmeleri yüzünden müşterilerimiz şikayet etmeye başladı. O zaman yeni
bir çözüm aramaya başladık.
Zeynep: Sizi en çok ne endişelendirdi?
Murat: Verilerimizi kaybetmekten korktuk, çünkü beş yıllık sipariş geçmişimiz vardı.
"""


@pytest.mark.parametrize(
    ("name", "text", "interviewer", "respondent"),
    [("en.txt", EN, "Lenny", "Bob Moesta"), ("ru.txt", RU, "Анна", "Павел"),
     ("tr.txt", TR, "Zeynep", "Murat")],
)  # fmt: skip
def test_whoever_asks_the_questions_is_the_interviewer(
    write, name: str, text: str, interviewer: str, respondent: str
) -> None:
    frame, ingestor = ingest(write(name, text))
    assert _roles(frame) == {interviewer: "interviewer", respondent: "respondent"}
    assert _sources(ingestor) == {interviewer: "questions", respondent: "questions"}


def test_the_respondent_opening_with_a_question_does_not_make_them_the_interviewer() -> None:
    turns_ = [
        _turn("SPEAKER_00", "Merhaba! Sesim geliyor mu?"),
        _turn("SPEAKER_01", "Evet, gayet net. Eski sisteminizi ne zaman değiştirmeye karar verdiniz?"),
        _turn("SPEAKER_00", "Geçen kış, kargo gecikince müşteriler şikayet etti ve aramaya başladık."),
        _turn("SPEAKER_01", "Sizi en çok ne endişelendirdi?"),
        _turn("SPEAKER_00", "Verileri kaybetmekten korktuk; beş yıllık sipariş geçmişimiz vardı."),
    ]  # fmt: skip
    roles = {s: c.role for s, c in decide_roles(turns_).items()}
    assert roles == {"SPEAKER_00": "respondent", "SPEAKER_01": "interviewer"}


@pytest.mark.parametrize(
    ("text", "punctuated", "asks"),
    [
        ("So what happened next?", True, True),
        ("Tell me about the day you decided to switch.", True, True),
        ("Расскажите, как вы выбирали сервис.", True, True),
        ("Bu süreci biraz anlatır mısınız.", True, True),
        ("We tried a shared inbox. It lasted a month.", True, False),
        ("Как только мы запустили рассылку, заявки пошли.", True, False),
        ("what made you start looking", False, True),
        ("почему вы не перешли раньше", False, True),
        ("peki fiyat sizin için önemli miydi", False, True),
        ("we lost the client in march", False, False),
    ],
)
def test_questions_in_three_languages(text: str, punctuated: bool, asks: bool) -> None:
    assert is_question(text, punctuated) is asks


def test_unpunctuated_speech_to_text_is_read_by_question_words(write) -> None:
    segments = [
        ("SPEAKER_00", "thanks for joining what were you using before"),
        ("SPEAKER_01", "mostly spreadsheets and a lot of email between the warehouse and sales"),
        ("SPEAKER_00", "why did that stop working"),
        ("SPEAKER_01", "we grew to forty orders a day and things started falling through"),
        ("SPEAKER_00", "how did you find the new tool"),
        ("SPEAKER_01", "a friend who runs a bakery showed it to me at a market"),
    ]
    data = {"segments": [{"speaker": s, "text": t} for s, t in segments]}
    frame, _ = ingest(write("stt.json", json.dumps(data)))
    assert _roles(frame) == {"SPEAKER_00": "interviewer", "SPEAKER_01": "respondent"}


SECOND_INTERVIEWER = """Maria: Thanks for joining us today. How did you find out about the product?
Ivan: A colleague showed it to me at a conference, and I signed up that same week because our
spreadsheets were falling apart.
Olga: What were you using before that?
Ivan: Excel and a lot of email. Every order went through three people before it reached the
warehouse.
Maria: Why was that a problem?
Ivan: Because orders got lost. We missed two big deliveries in one month, and the client
threatened to leave.
Olga: Who decided to switch in the end?
Ivan: I did, with our finance director. She cared about the price, I cared about the orders.
"""


def test_a_second_interviewer_who_also_asks_is_an_interviewer(write) -> None:
    frame, _ = ingest(write("panel.txt", SECOND_INTERVIEWER))
    assert _roles(frame) == {"Maria": "interviewer", "Ivan": "respondent", "Olga": "interviewer"}
    assert len(turns(frame)) == 8


FOCUS_GROUP = """Speaker 1: Thanks everyone for coming. What made you look for a new booking app?
Speaker 2: Our old one kept double-booking the rooms, twice in one week.
Speaker 3: For us it was the price. It doubled last spring without any warning.
Speaker 4: Same here, and their support never answered our emails.
Speaker 1: And what almost stopped you from switching?
Speaker 3: Moving all the client history, we had six years of it.
Speaker 2: Training the staff, honestly. Half of them hate new software.
Speaker 4: I worried that regular clients would not find the new booking link.
"""


def test_every_member_of_a_group_who_answers_is_a_respondent(write) -> None:
    frame, _ = ingest(write("group.txt", FOCUS_GROUP))
    assert _roles(frame) == {
        "Speaker 1": "interviewer",
        "Speaker 2": "respondent",
        "Speaker 3": "respondent",
        "Speaker 4": "respondent",
    }


SPONSOR = """Announcer: This podcast is brought to you by Acme Payroll, payroll for small teams.
Lenny: Bob, thanks for being here. When did you first notice the problem?
Bob: About a year ago. Our support queue doubled in two months and we could not hire fast enough,
so customers waited three days for an answer.
Lenny: What did you try before looking for a new tool?
Bob: We added a second shift and a shared spreadsheet of open tickets, which nobody kept current.
Lenny: That's a great story. We'll be right back after a word from our sponsor.
Announcer: This episode is brought to you by Acme Payroll. Acme runs payroll for small teams in
minutes, with taxes filed for you. Try it free for a month at acme dot com slash podcast.
Lenny: And we're back. So what finally made you switch?
Bob: A customer posted our three-day reply time on social media. That afternoon I booked demos.
Lenny: What almost held you back?
Bob: The price, and the fear of moving five years of ticket history.
"""


@pytest.mark.parametrize("options", [{}, {"interviewers": ("lenny",)}])
def test_a_sponsor_read_stays_its_own_speaker_with_no_interview_role(write, options) -> None:
    frame, _ = ingest(write("podcast.txt", SPONSOR), **options)
    assert _roles(frame) == {"Lenny": "interviewer", "Bob": "respondent", "Announcer": "unknown"}
    by_speaker = [(s, "Acme" in t) for s, _, t in turns(frame)]
    assert by_speaker.count(("Announcer", True)) == 2  # both reads, each its own turn
    assert by_speaker.count(("Lenny", False)) == 5  # no read folded into the host


REV = """Lenny Rachitsky (00:00:05):
Bob, when did you first realise the spreadsheet was not enough?

Bob Moesta (00:00:11):
When we lost a whole day of orders. A formula broke and nobody noticed until customers called.

Lenny Rachitsky (00:00:24):
What did you do the next morning?

Bob Moesta (00:00:27):
I started a trial of two tools and asked the warehouse team to try both for a week.
"""
VTT = """WEBVTT

1
00:00:01.000 --> 00:00:04.000
<v Anna Petrova>Как вы выбирали новую систему?</v>

2
00:00:04.500 --> 00:00:12.000
<v Oleg Sidorov>Сначала спросили знакомых, потом сравнили три сервиса по цене и интеграциям.</v>

3
00:00:12.500 --> 00:00:15.000
<v Anna Petrova>Что вас смущало больше всего?</v>

4
00:00:15.500 --> 00:00:22.000
<v Oleg Sidorov>Переезд. Мы боялись, что склад встанет на неделю, пока все переучатся.</v>
"""
TXT = """Dana Levi: Hoş geldiniz Kerem Bey. Bu işe nasıl başladınız?
Kerem Aksoy: Babamın dükkânını devraldım, sonra internetten satmaya başladık.
Dana Levi: Neden yeni bir sisteme ihtiyaç duydunuz?
Kerem Aksoy: Siparişler çoğaldı, stoğu defterde tutmak artık mümkün değildi.
"""


def _json() -> str:
    segments = [
        ("Dana", 0.0, "Hoş geldiniz. Bu işe nasıl başladınız?"),
        ("Kerem", 3.2, "Babamın dükkânını devraldım, sonra internetten satmaya başladık."),
        ("Dana", 9.8, "Neden yeni bir sisteme ihtiyaç duydunuz?"),
        ("Kerem", 12.5, "Siparişler çoğaldı, stoğu defterde tutmak artık mümkün değildi."),
    ]
    return json.dumps(
        {"segments": [{"speaker": s, "start": t, "text": x} for s, t, x in segments]},
        ensure_ascii=False,
    )


# (file, content, asker as written, answerer as written, the names as a user types them)
FORMATS = [
    ("rev.txt", REV, "Lenny Rachitsky", "Bob Moesta", ("lenny rachitsky", "BOB MOESTA")),
    ("teams.vtt", VTT, "Anna Petrova", "Oleg Sidorov", ("anna petrova", "Oleg Sidorov")),
    ("named.txt", TXT, "Dana Levi", "Kerem Aksoy", ("DANA LEVI", "kerem aksoy")),
    ("stt.json", _json(), "Dana", "Kerem", ("dana", "KEREM")),
]


@pytest.mark.parametrize(("name", "content", "asker", "answerer", "typed"), FORMATS)
def test_names_as_written_decide_exactly_their_speakers_in_every_format(
    write, name: str, content: str, asker: str, answerer: str, typed: tuple[str, str]
) -> None:
    path = write(name, content)
    plain, _ = ingest(path)
    assert _roles(plain) == {asker: "interviewer", answerer: "respondent"}
    # Naming the asker the respondent and the answerer the interviewer flips both, nothing else.
    flipped, ingestor = ingest(path, interviewers=(typed[1],), respondents=(typed[0],))
    assert _roles(flipped) == {asker: "respondent", answerer: "interviewer"}
    assert _sources(ingestor) == {asker: "option", answerer: "option"}
    assert turns(flipped) == [(s, {"interviewer": "respondent", "respondent": "interviewer"}[r], t)
                              for s, r, t in turns(plain)]  # fmt: skip
    # Naming only the interviewer never merges anyone into them nor makes everyone one.
    one, ingestor = ingest(path, interviewers=(typed[0],))
    assert turns(one) == turns(plain)
    assert _sources(ingestor) == {asker: "option", answerer: "counterpart"}
    only_respondent, _ = ingest(path, respondents=(typed[1],))
    assert _roles(only_respondent) == {asker: "interviewer", answerer: "respondent"}


def test_a_name_that_is_no_speaker_is_reported_with_the_speakers_there_are(write) -> None:
    frame, ingestor = ingest(write("en.txt", EN), interviewers=("Lenny Rachitsky",))
    assert _roles(frame) == {"Lenny": "interviewer", "Bob Moesta": "respondent"}
    warning = next(p for p in ingestor.report_.problems if p.path == "`interviewers`")
    assert "'Lenny Rachitsky' is not a speaker" in warning.message
    assert "Lenny" in warning.message and "Bob Moesta" in warning.message


def test_metadata_names_and_role_words_come_before_questions(write) -> None:
    text = "---\ninterviewer: Павел\n---\n" + RU
    frame, ingestor = ingest(write("meta.md", text))
    assert _roles(frame) == {"Анна": "respondent", "Павел": "interviewer"}
    assert _sources(ingestor) == {"Анна": "counterpart", "Павел": "metadata"}


def _turn(speaker: str, text: str) -> Turn:
    return Turn(speaker=speaker, pieces=[Piece(text, 0, len(text), "line 1")])


def _long(words: int) -> str:
    return " ".join(["слово"] * (words - 1)) + " конец."


def test_warnings_for_speakers_that_look_wrong(write) -> None:
    lone = "Анна: " + _long(30) + "\nАнна: " + _long(30) + "\n"
    _, ingestor = ingest(write("lone.txt", lone))
    assert any("only one speaker ('Анна')" in p.message for p in ingestor.report_.problems)

    dominant = "".join(f"Лектор: {_long(60)}\nСлушатель: Да.\n" for _ in range(3))
    _, ingestor = ingest(write("dominant.txt", dominant))
    messages = [p.message for p in ingestor.report_.problems]
    assert any("speaker 'Лектор' holds 98% of the words" in m for m in messages), messages

    _, ingestor = ingest(write("ru.txt", RU), interviewers=("Анна", "Павел"))
    messages = [p.message for p in ingestor.report_.problems]
    assert any("every speaker is an interviewer ('Анна', 'Павел')" in m for m in messages)

    segments = [
        {"speaker": s, "text": t}
        for s, t in [
            ("SPEAKER_00", "Когда вы начали искать замену старой системе учёта?"),
            ("SPEAKER_01", _long(40)),
            ("SPEAKER_00", "Что было самым трудным в переезде?"),
            ("SPEAKER_01", _long(40)),
            ("SPEAKER_02", "Я бы добавила, что бухгалтерия тоже была против."),
            ("SPEAKER_00", "Кто принимал решение?"),
            ("SPEAKER_01", _long(40)),
        ]
    ]
    _, ingestor = ingest(write("once.json", json.dumps({"segments": segments}, ensure_ascii=False)))
    once = [p for p in ingestor.report_.problems if "appears once" in p.message]
    assert [p.loc for p in once] == ["segment 5"]
    assert "'SPEAKER_02'" in once[0].message and once[0].severity == "warning"
    # A colleague adding to the answer once is a respondent, kept apart from the first one.
    assert {r.speaker: r.role for r in ingestor.report_.speakers}["SPEAKER_02"] == "respondent"


PREAMBLE = """Episode 212: How a bakery chain replaced its ordering spreadsheet
In this episode we talk with the operations lead of a regional bakery chain about the week their
ordering spreadsheet broke, how they compared tools, and what nearly stopped the switch. The
conversation was recorded in March and lightly edited for clarity. Subscribe wherever you listen to
podcasts, and leave us a review if you enjoyed the show. Thanks to everyone who wrote in last week.
Show notes, links and the full transcript are on our website, together with the earlier episodes
about pricing, onboarding and hiring for small teams.

"""


def test_coverage_shows_text_that_went_into_no_turn(write, cli, tmp_path: Path) -> None:
    good = write("in/good.txt", RU)
    lossy = write("in/lossy.txt", PREAMBLE + "Host: When did it break?\nGuest: In March.\n" * 2)
    _, ingestor = ingest(good, lossy)
    shares = {Path(c.path).name: c.share for c in ingestor.report_.coverage}
    assert shares["good.txt"] == 1.0
    assert shares["lossy.txt"] < 0.2
    assert [Path(c.path).name for c in ingestor.report_.low_coverage()] == ["lossy.txt"]

    code, stdout, _ = cli("ingest", good.parent, "--out", tmp_path / "u.csv")
    assert code == 0
    assert "1 below 80%" in stdout and "lossy.txt" in stdout
    code, stdout, _ = cli("ingest", good.parent, "--out", tmp_path / "u.csv", "--json")
    report = json.loads(stdout)
    assert {Path(c["path"]).name for c in report["coverage"]} == {"good.txt", "lossy.txt"}
    assert all(0.0 <= c["share"] <= 1.0 for c in report["coverage"])


WRITE_UP = """# Live switch interview: buying a mattress

**Interviewer:** Bob Moesta, Chris Spiek

**Bob:** So when did you first think about a new mattress?

**Customer:** It was when my back started hurting every morning. That was around January.

**Chris:** What did you do first?

**Customer:** I went to a store, lay on twenty mattresses, and left with nothing.

**Bob:** What finally made you buy?

**Customer:** My sister slept on the couch. I was embarrassed. I ordered one online that night.

**Chris:** Were you worried about anything?

**Customer:** Returning it. How do you even send back a mattress?
"""


def test_two_interviewers_who_ask_beside_a_labelled_respondent_are_interviewers(write) -> None:
    """The customer is a respondent by her label; Bob and Chris, who ask every question, are
    interviewers by what they do, even without being named anywhere."""
    text = WRITE_UP.replace("**Interviewer:** Bob Moesta, Chris Spiek\n", "")
    frame, ingestor = ingest(write("switch.md", text))
    assert _roles(frame) == {"Bob": "interviewer", "Customer": "respondent", "Chris": "interviewer"}
    assert _sources(ingestor) == {"Bob": "questions", "Customer": "label", "Chris": "questions"}


def test_interviewers_listed_by_full_name_match_their_first_name_labels(write) -> None:
    frame, ingestor = ingest(write("switch.md", WRITE_UP))
    assert _roles(frame) == {"Bob": "interviewer", "Customer": "respondent", "Chris": "interviewer"}
    assert _sources(ingestor)["Bob"] == _sources(ingestor)["Chris"] == "metadata"


def test_a_first_name_shared_by_two_listed_people_decides_nobody() -> None:
    turns_ = [
        Turn(speaker=name, pieces=[Piece(text, 0, len(text), "line 1")], label=name)
        for name, text in [("Bob", "I run a bakery and we switched tills last year."),
                           ("Ann", "What made you switch?"), ("Bob", "The old till broke.")]
    ]  # fmt: skip
    roles = decide_roles(
        turns_, metadata_interviewers=["Bob Moesta"], metadata_respondents=["Bob Smith"]
    )
    assert roles["Bob"].source != "metadata"
