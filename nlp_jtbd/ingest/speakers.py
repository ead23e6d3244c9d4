"""Speaker labels and interviewer/respondent roles in Russian, English and Turkish."""

from __future__ import annotations

import re
from collections.abc import Iterable

from nlp_jtbd.ingest.model import Role, Turn

_INTERVIEWER = {
    # en
    "interviewer", "moderator", "researcher", "ux researcher", "host", "facilitator",
    "question", "int", "intv",
    # ru
    "интервьюер", "интервьюерка", "ведущий", "ведущая", "модератор", "исследователь",
    "исследовательница", "вопрос",
    # tr
    "görüşmeci", "gorusmeci", "moderatör", "araştırmacı", "arastirmaci", "soru",
}  # fmt: skip
_RESPONDENT = {
    # en
    "respondent", "interviewee", "participant", "customer", "client", "user", "guest",
    "answer", "buyer", "expert",
    # ru
    "респондент", "респондентка", "клиент", "клиентка", "участник", "участница",
    "пользователь", "пользовательница", "ответ", "гость", "покупатель", "эксперт",
    # tr
    "katılımcı", "katilimci", "müşteri", "musteri", "kullanıcı", "kullanici", "cevap", "yanıt",
    "yanit", "misafir", "uzman",
}  # fmt: skip
# One-letter labels are roles only next to their partner: Q/A, I/R, В/О, И/Р, S/C (soru/cevap) …
LETTER_PAIRS = {
    ("q", "a"), ("i", "r"), ("i", "p"), ("m", "r"), ("m", "p"), ("в", "о"), ("и", "р"),
    ("м", "р"), ("s", "c"), ("s", "y"), ("g", "k"),
}  # fmt: skip
_ANONYMOUS = re.compile(
    r"^(speaker|spk|спикер|говорящий|konuşmacı|konusmaci)[ _#-]*\d+$|^[a-z]$|^speaker[ _]?[a-z]$",
    re.IGNORECASE,
)
_NUMBER_SUFFIX = re.compile(r"[\s_#-]*\d+$")
_PAREN = re.compile(r"^(?P<name>.*?)\s*[(\[](?P<paren>[^)\]]{1,40})[)\]]\s*$")
_QUESTION_WORDS = re.compile(
    r"^(what|why|how|when|where|who|which|did|do|does|could|can|would|tell me|walk me|"
    r"что|почему|зачем|как|когда|где|кто|какой|какая|какие|расскажите|а\s|были|был|была|"
    r"neden|nasıl|ne|niye|kim|hangi|anlatır)",
    re.IGNORECASE,
)


def normalise_label(label: str) -> str:
    """Lower-case, strip markup and punctuation: ``**Интервьюер**`` → ``интервьюер``."""
    text = label.strip().strip("*_").strip().rstrip(":").strip().lower()
    return re.sub(r"\s+", " ", text.replace("ё", "е"))


def role_from_label(label: str) -> Role | None:
    """Role named by a label: ``Ведущий``, ``Participant 3``, ``Ann (Moderator)``."""
    norm = normalise_label(label)
    match = _PAREN.match(norm)
    candidates = [norm]
    if match:
        candidates = [match.group("paren").strip(), match.group("name").strip()]
    for cand in candidates:
        for word in (cand, _NUMBER_SUFFIX.sub("", cand)):
            if word in _INTERVIEWER:
                return "interviewer"
            if word in _RESPONDENT:
                return "respondent"
    return None


def letter_roles(labels: Iterable[str]) -> dict[str, Role]:
    """Roles of one-letter labels whose partner letter is also present (``Q:`` with ``A:``)."""
    present = {normalise_label(label) for label in labels}
    roles: dict[str, Role] = {}
    for asker, answerer in LETTER_PAIRS:
        if asker in present and answerer in present:
            roles[asker] = "interviewer"
            roles[answerer] = "respondent"
    return roles


def speaker_name(label: str) -> str:
    """The speaker as written, without markup or a role in parentheses: ``Мария (интервьюер)`` →
    ``Мария``; a bare role label is kept (``Interviewer``)."""
    text = re.sub(r"\s+", " ", label.strip().strip("*_").strip().rstrip(":").strip())
    match = _PAREN.match(text)
    if match and match.group("name").strip():
        return match.group("name").strip()
    return text


def is_anonymous(label: str) -> bool:
    """``SPEAKER_00``, ``Speaker 2``, ``Спикер 1`` …: diarization labels without a role."""
    return bool(_ANONYMOUS.match(normalise_label(label)))


def question_score(texts: Iterable[str]) -> float:
    """Share of a speaker's turns that are questions."""
    texts = [t.strip() for t in texts if t.strip()]
    if not texts:
        return 0.0
    asks = sum(
        1 for t in texts if t.rstrip().endswith("?") or "?" in t[-80:] or _QUESTION_WORDS.match(t)
    )
    return asks / len(texts)


def assign_roles(
    turns: list[Turn],
    interviewers: Iterable[str] = (),
    respondents: Iterable[str] = (),
) -> dict[str, Role]:
    """Decide each speaker's role.

    Order of evidence: names forced by the user or the document's metadata; role words in
    labels; otherwise who asks the questions (the speaker whose turns are mostly questions is
    the interviewer, everyone else a respondent). A lone speaker is ``unknown``.
    """
    forced_i = {normalise_label(n) for n in interviewers if n}
    forced_r = {normalise_label(n) for n in respondents if n}
    speakers = list(dict.fromkeys(t.speaker for t in turns))
    roles: dict[str, Role] = {}
    for turn in turns:
        norm = normalise_label(turn.speaker)
        if norm in forced_i or normalise_label(turn.label or "") in forced_i:
            roles[turn.speaker] = "interviewer"
        elif norm in forced_r or normalise_label(turn.label or "") in forced_r:
            roles[turn.speaker] = "respondent"
        elif turn.role_hint and turn.speaker not in roles:
            roles[turn.speaker] = turn.role_hint
    open_speakers = [s for s in speakers if s not in roles]
    if not open_speakers:
        return roles
    if len(speakers) == 1:
        roles[speakers[0]] = "unknown"
        return roles
    texts: dict[str, list[str]] = {s: [] for s in open_speakers}
    for turn in turns:
        if turn.speaker in texts:
            texts[turn.speaker].append(" ".join(p.text for p in turn.pieces))
    if "interviewer" in roles.values():
        for s in open_speakers:
            roles[s] = "respondent"
        return roles
    scores = {s: question_score(texts[s]) for s in open_speakers}
    ranked = sorted(open_speakers, key=lambda s: scores[s], reverse=True)
    best = ranked[0]
    runner_up = scores[ranked[1]] if len(ranked) > 1 else 0.0
    if scores[best] >= 0.3 and scores[best] - runner_up >= 0.15:
        roles[best] = "interviewer"
        for s in ranked[1:]:
            roles[s] = "respondent"
    else:
        for s in open_speakers:
            roles[s] = "unknown"
    return roles
