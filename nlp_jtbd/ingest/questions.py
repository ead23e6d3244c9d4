"""Who asks the questions: questions in Russian, English and Turkish, and the conversational
roles of speakers that no label, letter or name decides.

The interviewer asks (question marks, question words, requests such as "tell me"), speaks in
short turns followed by long answers and usually opens the interview. A respondent answers the
interviewer's questions. A voice that neither asks nor answers (a sponsor read, a jingle, a
colleague passing by) is neither, and is never folded into another speaker.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from nlp_jtbd.ingest.model import Role, Turn

# Requests that work as questions even with a full stop: "Tell me about …", "Расскажите …".
_PROMPTS = (
    r"tell me|walk me|talk me|describe|explain|can you|could you|would you|"
    r"расскажите|расскажи|опишите|объясните|вспомните|поделитесь|можете|могли бы|"
    r"anlatır|anlatabilir|anlatın|anlat|bahseder|bahsedebilir|açıklar|söyler|paylaşır"
)
# Words that open a question (used for transcripts written without question marks).
_QUESTION_WORDS = (
    r"what|why|how|when|where|who|whom|which|whose|did|do|does|is|are|was|were|have|has|had|"
    r"can|could|would|will|should|shall|"
    r"что|почему|зачем|как|когда|где|куда|откуда|кто|какой|какая|какое|какие|каким|какую|"
    r"сколько|чем|чего|ли|разве|неужели|"
    r"neden|niye|niçin|nasıl|ne|nerede|nereden|nereye|kim|hangi|kaç|hiç|peki"
)
_LEAD = (
    r"(?:(?:and|so|but|ok|okay|right|well|а|и|но|ну|так|хорошо|понятно|ясно|"
    r"ve|ama|yani|tamam|peki|anladım)[,.!\s]+)*"
)
_PROMPT = re.compile(rf"^\W*{_LEAD}(?:{_PROMPTS})\b", re.IGNORECASE)
_WORD_START = re.compile(rf"^\W*{_LEAD}(?:{_QUESTION_WORDS})\b", re.IGNORECASE)
# Turkish question particles (mı, mi, mu, mü and their personal forms) close a question, with
# or without a question mark ("anlatır mısınız."); Russian «ли» asks anywhere in the sentence.
_TR_PARTICLE = re.compile(
    r"(?<!\w)m[ıiuü](?:s[ıiuü]n(?:[ıiuü]z)?|y[ıiuü]m|y[ıiuü]z|yd[ıiuü]|d[ıiuü]r)?"
    r"(?:\s+\w+)?\W*$",
    re.IGNORECASE,
)
_RU_PARTICLE = re.compile(r"(?<!\w)ли(?!\w)", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
_ANSWER_WINDOW = 6  # turns after a question that may still answer it (a group's round)
_BACKCHANNEL_WORDS = 3  # "Yeah.", "Да, понятно.", "Evet evet." neither ask nor answer


def is_question(text: str, punctuated: bool = True) -> bool:
    """Whether a turn asks something: a question mark near its end, a request ("tell me",
    "расскажите", "anlatır mısınız"), or, in transcripts written without question marks
    (``punctuated=False``), a question word or particle opening its last sentence."""
    text = text.strip()
    if not text:
        return False
    if "?" in text[-120:]:
        return True
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    last = sentences[-1] if sentences else text
    if any(_PROMPT.match(s) or _TR_PARTICLE.search(s) for s in sentences[-2:]):
        return True
    if punctuated:
        return False
    return bool(_WORD_START.match(last) or _RU_PARTICLE.search(last))


@dataclass
class Conduct:
    """How one speaker takes part in a conversation."""

    turns: int = 0
    words: int = 0
    substantive: int = 0  # turns that ask or have more than a backchannel's words
    asks: int = 0  # turns that ask
    leads: int = 0  # turns followed by another speaker's at least twice as long
    replies: int = 0  # turns that come (at most two turns) after an asker's question
    first: bool = False  # opened the conversation

    @property
    def ask_share(self) -> float:
        return self.asks / self.substantive if self.substantive else 0.0

    @property
    def lead_share(self) -> float:
        return self.leads / self.turns if self.turns else 0.0

    @property
    def asking(self) -> float:
        """How much the speaker behaves like an interviewer (0 … about 1.5)."""
        return self.ask_share + 0.5 * self.lead_share + (0.05 if self.first else 0.0)


def turn_text(turn: Turn) -> str:
    return " ".join(p.text for p in turn.pieces)


def conduct(turns: list[Turn]) -> tuple[dict[str, Conduct], list[bool]]:
    """Each speaker's conduct, and which turns ask."""
    texts = [turn_text(t) for t in turns]
    punctuated = any("?" in t for t in texts)
    sizes = [len(t.split()) for t in texts]
    asks = [is_question(t, punctuated) for t in texts]
    stats: dict[str, Conduct] = {}
    for index, turn in enumerate(turns):
        c = stats.setdefault(turn.speaker, Conduct(first=index == 0))
        c.turns += 1
        c.words += sizes[index]
        c.asks += asks[index]
        c.substantive += asks[index] or sizes[index] > _BACKCHANNEL_WORDS
        follower = turns[index + 1] if index + 1 < len(turns) else None
        if follower is not None and follower.speaker != turn.speaker:
            c.leads += sizes[index + 1] >= 2 * max(sizes[index], 1)
    return stats, asks


def count_replies(turns: list[Turn], asks: list[bool], askers: set[str]) -> dict[str, int]:
    """Per speaker, the turns that answer an asker's question: right after it, or after other
    speakers' answers to it (respondents of a group adding to each other)."""
    replies: dict[str, int] = {}
    for index, turn in enumerate(turns):
        if turn.speaker in askers:
            continue
        for back in range(1, _ANSWER_WINDOW + 1):
            if index - back < 0:
                break
            prev = turns[index - back]
            if prev.speaker in askers:
                replies[turn.speaker] = replies.get(turn.speaker, 0) + asks[index - back]
                break
    return replies


def infer_roles(
    turns: list[Turn], known: dict[str, Role]
) -> tuple[dict[str, Role], dict[str, str]]:
    """Roles of the speakers not in ``known``, from who asks and who answers.

    Returns the roles and how each was decided: ``questions`` (asks or answers),
    ``counterpart`` (the other of two speakers whose one role is known) or ``default``
    (``unknown``: nobody clearly asks, or the speaker neither asks nor answers).
    """
    stats, asks = conduct(turns)
    speakers = list(stats)
    open_ = [s for s in speakers if s not in known]
    roles: dict[str, Role] = {}
    sources: dict[str, str] = {}
    if not open_:
        return roles, sources

    def decide(speaker: str, role: Role, source: str) -> None:
        roles[speaker], sources[speaker] = role, source

    if len(speakers) == 2 and len(open_) == 1 and known[_other(speakers, open_[0])] != "unknown":
        partner = known[_other(speakers, open_[0])]
        decide(open_[0], "respondent" if partner == "interviewer" else "interviewer", "counterpart")
        return roles, sources
    askers = {s for s, r in known.items() if r == "interviewer"}
    if not askers:
        best = _best_asker(open_, stats, speakers)
        if best is None:
            for s in open_:
                decide(s, "unknown", "default")
            return roles, sources
        decide(best, "interviewer", "questions")
        askers.add(best)
    rest = [s for s in open_ if s not in roles]
    answered = "respondent" in known.values()
    if not answered and rest:
        main = max(rest, key=lambda s: stats[s].words)
        decide(main, "respondent", "questions")
        rest.remove(main)
    main_share = max(
        (stats[s].ask_share for s, r in {**known, **roles}.items() if r == "respondent"),
        default=0.0,
    )
    for s in rest:  # a second interviewer asks too, and clearly more than the respondent
        c = stats[s]
        if c.asks >= 2 and c.ask_share >= 0.4 and c.ask_share >= main_share + 0.2:
            decide(s, "interviewer", "questions")
            askers.add(s)
    replies = count_replies(turns, asks, askers)
    for s in rest:
        if s in roles:
            continue
        n = replies.get(s, 0)
        if n >= 2 or n / stats[s].turns > 0.5:
            decide(s, "respondent", "questions")
        else:
            decide(s, "unknown", "default")
    return roles, sources


def _other(speakers: Iterable[str], one: str) -> str:
    return next(s for s in speakers if s != one)


def _best_asker(
    candidates: list[str], stats: dict[str, Conduct], speakers: list[str]
) -> str | None:
    """The candidate who clearly asks more than the one who speaks the most among all the other
    ``speakers`` (the likely respondent, also when a label already made them one; a co-host who
    also asks does not make the host unclear)."""
    ranked = sorted(candidates, key=lambda s: stats[s].asking, reverse=True)
    best = stats[ranked[0]]
    others = [s for s in speakers if s != ranked[0]]
    talker = stats[max(others, key=lambda s: stats[s].words)].asking if others else 0.0
    if best.asks >= 1 and best.ask_share >= 0.25 and best.asking - talker >= 0.2:
        return ranked[0]
    return None


__all__ = ["Conduct", "conduct", "count_replies", "infer_roles", "is_question"]
