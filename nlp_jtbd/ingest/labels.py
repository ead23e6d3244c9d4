"""Which ``Word:`` at the start of a line names a speaker: labels that behave like speakers.

A label is a speaker when it is a role word (``Ведущий``), a one-letter label with its partner
(``Q``/``A``), a diarization label (``SPEAKER_01``), a name the user or the document gave, a
timestamped label of a transcription tool's layout (Rev ``Name (00:01:23):``, Otter
``Name  0:03``), or a name that opens several turns and alternates with other speakers. The
researcher's annotations (``**Key insight:**``, ``**Note:**``, ``Önemli:``) and headings
(``**The negotiation**``) are never speakers, however often they repeat.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from nlp_jtbd.ingest.speakers import (
    is_anonymous,
    letter_roles,
    normalise_label,
    role_from_label,
    speaker_name,
)

# Words researchers put before their own notes; never a speaker.
_ANNOTATIONS = (
    # en
    "note", "notes", "nb", "n.b", "important", "key insight", "key insights", "insight",
    "insights", "takeaway", "takeaways", "key takeaway", "key takeaways", "timing", "summary",
    "quote", "key quote", "observation", "observations", "comment", "comments", "remark",
    "todo", "to do", "tl;dr", "tldr", "hypothesis", "highlight", "highlights", "action item",
    "action items", "follow-up", "follow up", "context", "background", "finding", "findings",
    "takeaway", "theme", "themes", "tag", "tags", "aside", "editor's note", "interpretation",
    # the timeline and forces of a switch interview, as researchers code them
    "trigger", "push", "pull", "anxiety", "anxieties", "habit", "habits", "first thought",
    "passive looking", "active looking", "deciding", "consuming", "struggling moment",
    # ru
    "заметка", "заметки", "примечание", "прим", "важно", "важное", "инсайт", "инсайты",
    "ключевой инсайт", "ключевые инсайты", "тайминг", "цитата", "наблюдение", "наблюдения",
    "комментарий", "гипотеза", "резюме", "саммари", "контекст", "триггер", "тревога",
    "тревоги", "привычка", "привычки", "первая мысль", "пассивный поиск", "активный поиск",
    # tr
    "not", "notlar", "önemli", "içgörü", "içgörüler", "anahtar içgörü", "özet", "alıntı",
    "gözlem", "gözlemler", "yorum", "zamanlama", "hipotez", "bağlam", "tetikleyici",
)  # fmt: skip
_ANNOTATION = re.compile(
    r"^(?:" + "|".join(re.escape(w) for w in sorted(set(_ANNOTATIONS), key=len, reverse=True))
    + r")(?:$|[\s#№\d(:,.-])",
    re.IGNORECASE,
)  # fmt: skip
# Lower-case words that may sit inside a name: "Ludwig van Beethoven", "Ayşe Hanım", "Ali bey".
_PARTICLES = {
    "van", "von", "de", "der", "den", "da", "di", "du", "del", "della", "la", "le", "bin",
    "ibn", "al", "el", "y", "bey", "hanım", "hanim", "abi", "abla", "efendi", "ten", "ter",
}  # fmt: skip
_MAX_ROUNDS = 32  # labels dropped one by one; after that, all that still fail at once
# First words of headings and phrases, not names: "The negotiation", "Part 2", "Шаг 3".
_NOT_NAMES = {
    "the", "a", "an", "my", "our", "your", "this", "that", "these", "some", "part", "step",
    "section", "chapter", "episode", "day", "week", "phase", "stage", "round", "topic",
    "часть", "шаг", "этап", "раздел", "тема", "глава", "день", "bölüm", "adım", "aşama", "konu",
    "gün", "hafta",
}  # fmt: skip


@dataclass(frozen=True)
class LabelUse:
    """One place a label stands at the start of a line."""

    label: str
    opens: bool = True  # text follows it: it opens a turn
    timed: bool = False  # it carries a timestamp, or is a header line of a tool's layout
    bold: bool = False  # ``**Name:**`` or a bold line of its own


def is_annotation(label: str) -> bool:
    """``Note``, ``**Key insight**``, ``Önemli``, ``Важно``: the researcher's words."""
    return bool(_ANNOTATION.match(normalise_label(label)))


def looks_like_name(label: str) -> bool:
    """A person's name or a role, not a phrase: ``Bob Moesta``, ``Ayşe Hanım``, ``SPEAKER_01``;
    not ``The negotiation`` or ``Key insight``."""
    if is_anonymous(label) or role_from_label(label):
        return True
    name = speaker_name(label).strip().strip("*_").strip()
    words = re.split(r"[\s_]+", name)
    if not words or not words[0][:1].isupper() or words[0].lower() in _NOT_NAMES:
        return False
    return all(w[:1].isupper() or w.lower() in _PARTICLES or not w[:1].isalpha() for w in words[1:])


def speaker_labels(uses: Sequence[LabelUse], known: Iterable[str] = ()) -> set[str]:
    """Normalised labels among ``uses`` (in document order) that name a speaker."""
    known_norm = {normalise_label(k) for k in known if k and k.strip()}
    distinct = {u.label for u in uses}
    norm_of = {label: normalise_label(label) for label in distinct}
    letters = letter_roles(distinct)
    named = {label for label in distinct if _named(label, known_norm, letters)}
    names = {label for label in distinct if not is_annotation(label) and looks_like_name(label)}
    openers = Counter(norm_of[u.label] for u in uses if u.opens)
    timed = [u for u in uses if u.timed and u.opens]
    # Timestamped labels are a tool's layout when most of them recur (``9:00 Monday`` lines in
    # an answer do not); then each is a speaker, even a voice heard once.
    layout = len(timed) >= 2 and 2 * sum(openers[norm_of[u.label]] > 1 for u in timed) >= len(timed)
    strong: set[str] = set()
    weak: set[str] = set()  # names that recur: speakers if they take turns with others
    once: set[str] = set()  # names seen once: not speakers, but others take turns with them
    bold: set[str] = set()
    for use in uses:
        norm = norm_of[use.label]
        if use.label in named:
            strong.add(norm)
        elif use.label not in names or not use.opens:
            continue
        elif use.timed and layout:
            strong.add(norm)
        elif openers[norm] >= 2:
            weak.add(norm)
            bold |= {norm} if use.bold else set()
        else:
            once.add(norm)
    weak -= strong
    lone = set(weak) if len(weak) == 1 and not strong and not weak & bold else set()
    sequence = [norm_of[u.label] for u in uses if u.opens]
    first_seen: dict[str, int] = {}
    for index, norm in enumerate(sequence):
        first_seen.setdefault(norm, index)
    for _ in range(_MAX_ROUNDS):
        failing = _not_alternating(weak, sequence, strong | weak, once)
        if not failing:
            break
        # Drop the least speech-like first (bold, fewest turns, latest to appear) and look
        # again: with it gone, the others may take turns.
        weak.discard(max(failing, key=lambda x: (x in bold, -openers[x], first_seen[x])))
    else:
        weak -= _not_alternating(weak, sequence, strong | weak, once)
    return strong | weak or lone  # a lone name that recurs: the one speaker the text names


def _named(label: str, known: set[str], letters: dict[str, str]) -> bool:
    """A name the user or document gave, a role word, a letter with its partner, ``SPEAKER_1``."""
    norm = normalise_label(label)
    return (
        norm in known
        or normalise_label(speaker_name(label)) in known
        or bool(role_from_label(label))
        or norm in letters
        or (is_anonymous(label) and len(norm) > 1)
    )


def _not_alternating(
    labels: set[str], sequence: list[str], recurring: set[str], once: set[str]
) -> set[str]:
    """Those of ``labels`` that take no turns with another speaker: a speaker hands over to
    someone who hands back (``A B A``); a heading or annotation that repeats does not.

    Turns are read twice: among the labels that recur, so that a one-off ``Цена:`` inside an
    answer does not break the dialogue, and among all names, so that a speaker who answers a
    one-off voice still takes turns with it."""
    return labels - _taking_turns(sequence, recurring) - _taking_turns(sequence, recurring | once)


def _taking_turns(sequence: list[str], pool: set[str]) -> set[str]:
    turns = [x for x in sequence if x in pool]
    collapsed = [x for i, x in enumerate(turns) if i == 0 or turns[i - 1] != x]
    pairs = set(pairwise(collapsed))
    return {a for a, b in pairs if (b, a) in pairs}


def recurring_labels(labels: Iterable[str], minimum: int = 2) -> set[str]:
    """Labels seen at least ``minimum`` times (real speakers recur; ``Цена:`` does not)."""
    counts = Counter(normalise_label(label) for label in labels)
    return {label for label, n in counts.items() if n >= minimum}


def accept_labels(
    candidates: list[str], known: Iterable[str] = (), always: Iterable[str] = ()
) -> set[str]:
    """Normalised labels among ``candidates`` (labels in document order, each opening a turn)
    that name a speaker; labels in ``always`` come from a tool's layout (headers, voice tags)
    and are speakers unless they are annotations."""
    accepted = speaker_labels([LabelUse(c) for c in candidates], known)
    return accepted | {
        normalise_label(a) for a in always if not is_annotation(a) and looks_like_name(a)
    }
