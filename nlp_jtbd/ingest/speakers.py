"""Speaker labels and interviewer/respondent roles in Russian, English and Turkish."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from nlp_jtbd.ingest.model import Role, Turn
from nlp_jtbd.ingest.questions import infer_roles

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
_TIMESTAMP = re.compile(r"[\[(]?\d{1,2}(?::\d{2}){1,2}(?:[.,]\d+)?[\])]?")
_NUMBER_SUFFIX = re.compile(r"[\s_#-]*\d+$")
_PAREN = re.compile(r"^(?P<name>.*?)\s*[(\[](?P<paren>[^)\]]{1,40})[)\]]\s*$")


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


def name_key(name: str) -> str:
    """How a name is compared: case-insensitive, markup and spacing ignored (``İ`` = ``i``)."""
    text = unicodedata.normalize("NFKC", normalise_label(name)).replace("\u0307", "")
    return text.strip("[]<>()").strip()


def name_forms(turn: Turn) -> set[str]:
    """The ways a user may write a turn's speaker: as shown (``Lenny``), as labelled
    (``Lenny (00:12:03)``, ``Мария (интервьюер)``), or the label without its timestamps."""
    forms = {name_key(turn.speaker)}
    if turn.label:
        forms |= {
            name_key(turn.label),
            name_key(speaker_name(turn.label)),
            name_key(_TIMESTAMP.sub(" ", turn.label)),
        }
    return {f for f in forms if f}


@dataclass(frozen=True)
class RoleChoice:
    """A speaker's role and how it was decided (``role_source`` in the speakers table)."""

    role: Role
    # speakers_file | option | metadata | label | letters | questions | counterpart | default
    source: str


def decide_roles(
    turns: list[Turn],
    interviewers: Iterable[str] = (),
    respondents: Iterable[str] = (),
    *,
    metadata_interviewers: Iterable[str] = (),
    metadata_respondents: Iterable[str] = (),
    table: dict[str, Role] | None = None,
) -> dict[str, RoleChoice]:
    """Decide each speaker's role, and say how.

    Order of evidence: the speakers table (``table``: name key → role, a researcher's
    corrections), names the user gave, names in the document's metadata, role words in labels,
    one-letter pairs (``Q``/``A``); otherwise who asks the questions and who answers them
    (:func:`~nlp_jtbd.ingest.questions.infer_roles`). Names match a speaker exactly as written,
    case-insensitively; a name never makes any other speaker take its role.
    """
    named = [
        ("speakers_file", dict(table or {})),
        ("option", _names(interviewers, "interviewer") | _names(respondents, "respondent")),
        ("metadata", _metadata_names(metadata_interviewers, metadata_respondents)),
    ]
    letters = letter_roles(t.label or t.speaker for t in turns)
    choices: dict[str, RoleChoice] = {}
    for turn in turns:
        if turn.speaker in choices:
            continue
        forms = name_forms(turn)
        for source, names in named:
            role = next((names[f] for f in forms if f in names), None)
            if role:
                choices[turn.speaker] = RoleChoice(role, source)
                break
    for turn in turns:
        if turn.speaker in choices or not turn.role_hint:
            continue
        label = turn.label or turn.speaker
        source = "letters" if normalise_label(label) in letters else "label"
        choices[turn.speaker] = RoleChoice(turn.role_hint, source)
    speakers = list(dict.fromkeys(t.speaker for t in turns))
    if len(speakers) == 1 and speakers[0] not in choices:
        return {speakers[0]: RoleChoice("unknown", "default")}
    known = {s: c.role for s, c in choices.items()}
    roles, sources = infer_roles(turns, known)
    for speaker, role in roles.items():
        choices[speaker] = RoleChoice(role, sources[speaker])
    return {s: choices[s] for s in speakers}


def assign_roles(
    turns: list[Turn],
    interviewers: Iterable[str] = (),
    respondents: Iterable[str] = (),
) -> dict[str, Role]:
    """Each speaker's role (see :func:`decide_roles`); a lone speaker is ``unknown``."""
    return {s: c.role for s, c in decide_roles(turns, interviewers, respondents).items()}


def _names(names: Iterable[str], role: Role) -> dict[str, Role]:
    return {name_key(n): role for n in names if n and name_key(n)}


def _metadata_names(interviewers: Iterable[str], respondents: Iterable[str]) -> dict[str, Role]:
    """Names from the document's metadata, also by first name where that is unambiguous: a
    write-up lists ``Interviewer: Bob Moesta`` and labels his turns ``Bob:``."""
    full = _names(interviewers, "interviewer") | _names(respondents, "respondent")
    firsts = Counter(name.split(" ")[0] for name in full)
    extra = {
        name.split(" ")[0]: role
        for name, role in full.items()
        if " " in name and firsts[name.split(" ")[0]] == 1
    }
    return extra | full
