"""Phrases for names: cleaning a member's words and choosing the clause that says the most.

- :func:`clean_phrase` removes what a researcher would not repeat: opening fillers, hedges and
  discourse markers ("Um, so, I mean", «Ну, главное —», "Yani şey"), leading conjunctions,
  speaker address ("guys", «ребята», "abi"), parenthetical asides, inline fillers and a
  trailing hedge (", I think", «, наверное», ", falan"); it cuts a long phrase at a clause
  boundary, never mid-phrase.
- :func:`best_phrase` chooses among every clause (and run of consecutive clauses) of the
  members closest to a candidate's centre the one whose content words the most other members
  share: the job the members have in common rather than one member's story detail.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

MIN_NAME_WORDS = 3
MAX_NAME_WORDS = 20
SHORT_NAME_WORDS = 14  # a longer phrase is cut at a clause boundary within this many words

# Openers that hedge, fill or address rather than say (ru / en / tr), removed from a name's
# start: the first kind always, the second only when punctuation follows ("No, we…" but not
# "No way…", «Главное — …» but not «Главное было…»).
_ALWAYS = (
    r"um+|uh+|erm|hmm+|mm+|well|so|and|but|also|then|actually|honestly|basically|frankly|"
    r"anyway|i mean|you know|to be honest|to be fair|long story short|e\.g\.|i\.e\.|"
    r"так вот|ну|вот|э+|эм+|мм+|хм+|и|а|но|короче|короче говоря|типа|в общем|в общем-то|"
    r"как бы|честно говоря|по сути|по факту|ой|ага|угу|кстати|слушай|слушайте|смотрите|потом|"
    r"şey|yani|işte|ee+|ıı+|hı+|aslında|açıkçası|hani|valla|vallahi|şimdi|neyse"
)
_WITH_PUNCTUATION = (
    r"er|ah|oh|eh|okay|ok|yeah|yes|no|right|like|really|look|see|i guess|i think|of course|"
    r"the thing is|the main thing|main thing|guys|man|dude|for example|said|"
    r"сказал|сказала|говорит|например|dedi|mesela|örneğin|"
    r"так|да|нет|честно|знаете|понимаете|скажем так|конечно|просто|главное|в итоге|"
    r"в принципе|если честно|ребята|девочки|коллеги|"
    r"evet|hayır|tamam|bakın|ve|ama|de|da|ya|abi|abla|hocam|kardeşim|arkadaşlar|"
    r"doğrusu|kısacası|sonuçta"
)
_OPENERS = re.compile(
    rf"^(?:(?:(?:{_ALWAYS})\s*[,.!?…:;—–-]*|(?:{_WITH_PUNCTUATION})\s*[,.!?…:;—–-]+)\s+)+",
    re.IGNORECASE,
)
# Hedges and address at a phrase's end: "…, I think", «…, наверное», "…, abi", "… falan".
_TRAILING = re.compile(
    r"(?:\s*[,—–-]\s*(?:i think|i guess|i suppose|you know|right|really|basically|honestly|"
    r"or something|or so|and stuff|and so on|kind of|sort of|наверное|вроде|как бы|"
    r"короче|типа|понимаете|знаете|в общем|да|или что-то такое|и всё такое|"
    r"yani|işte|falan|filan|abi|abla|hocam|galiba|sanırım|herhalde))+\s*[.!?…]*$"
    r"|\s+(?:falan|filan|and stuff|и всё такое|и т\.\s?[дп]\.?|etc\.?)\s*[.!?…]*$",
    re.IGNORECASE,
)
_INLINE_FILLERS = re.compile(
    r"(?<!\w)(?:um+|uh+|erm|э+-?э*|эм+|мм+|хм+|ıı+|ee+|hı+)(?!\w)\s*[,.…]*\s*", re.IGNORECASE
)
# Hedges inside a phrase, between commas: "…surprised, like, to open…" → "…surprised, to open…".
_INLINE_HEDGES = re.compile(
    r",\s*(?:like|you know|i mean|kind of|sort of|типа|как бы|короче|знаете|понимаете|"
    r"yani|işte|şey|hani)\s*,",
    re.IGNORECASE,
)
_CLAUSE = re.compile(
    r"\s*(?:[,;:—–]|\s-\s|\.\.\.|…|(?<=[.!?])\s)\s*|\s+(?=(?:and|but|because|which|when|"
    r"while|after|so|и|но|потому|чтобы|когда|который|которая|которые|после|поэтому|ve|ama|"
    r"çünkü|fakat|sonra|ancak)\s)",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_ASIDE = re.compile(r"\s*[(\[][^()\[\]]*[)\]]")
_EDGE = ",;:.!?…\"'«»“”"
# A phrase that opens with one of these depends on what came before it ("because…", "чтобы…").
_DEPENDENT = frozenset(
    {
        "that", "which", "who", "because", "when", "while", "after", "before", "if", "so",
        "or", "than", "as", "whereas", "although", "though", "until", "since", "to",
        "что", "чтобы", "который", "которая", "которое", "которые", "когда", "потому",
        "если", "поэтому", "хотя", "пока", "чем", "или", "либо", "после",
        "ki", "diye", "çünkü", "eğer", "veya", "yoksa", "sonra", "ancak", "fakat",
    }
)  # fmt: skip
# A phrase that ends on one of these was cut mid-thought ("He came up to me and said").
_DANGLING = frozenset(
    {
        "and", "or", "but", "said", "says", "that", "the", "a", "an", "to", "of", "in", "for",
        "with", "like", "was", "is", "i", "we", "my", "our", "e.g", "i.e", "approx", "mr", "dr",
        "vs", "so", "because", "than",
        "и", "а", "но", "или", "что", "как", "в", "на", "с", "по", "для", "сказал", "сказала",
        "наверное", "бы", "т.к", "т.е", "чтобы", "потому", "из", "от", "у", "к", "понял",
        "поняла", "подумал", "подумала", "realized", "realised", "thought", "anladım",
        "ve", "ama", "veya", "bir", "ile", "için", "dedi", "ki", "diye", "gibi", "çünkü",
    }
)  # fmt: skip
# Function words that say nothing about what a candidate is about (for :func:`shared_score`).
_GLUE = frozenset(
    {
        "the", "a", "an", "of", "to", "in", "on", "for", "with", "at", "by", "from", "and",
        "or", "but", "is", "are", "was", "were", "be", "been", "it", "its", "i", "we", "you",
        "they", "he", "she", "my", "our", "your", "their", "me", "us", "them", "that", "this",
        "what", "which", "who", "so", "just", "had", "have", "has", "do", "did", "not", "no",
        "would", "could", "can", "will", "all", "some", "any", "there", "then", "than", "as",
        "и", "в", "на", "с", "по", "что", "как", "это", "я", "мы", "он", "она", "они", "у",
        "не", "но", "а", "к", "из", "за", "от", "для", "же", "бы", "так", "все", "всё", "был",
        "была", "было", "были", "мне", "нас", "нам", "меня", "его", "её", "их", "там", "то",
        "bir", "ve", "bu", "şu", "o", "da", "de", "ile", "için", "ben", "biz", "çok", "ne",
        "gibi", "daha", "her", "ama", "mi", "ki", "var", "yok", "olan", "olarak",
    }
)  # fmt: skip


def word_count(text: str) -> int:
    """Words as a reader counts them: whitespace-separated tokens with a letter or digit."""
    return sum(1 for token in text.split() if _WORD.search(token))


def _balanced(text: str) -> bool:
    return (
        text.count("(") == text.count(")")
        and text.count("«") == text.count("»")
        and (text.count('"') % 2 == 0)
    )


def clean_phrase(text: str, max_words: int = MAX_NAME_WORDS) -> str:
    """``text`` without opening hedges, fillers, discourse markers and address, parenthetical
    asides and a trailing hedge, cut to at most :data:`SHORT_NAME_WORDS` words at a clause
    boundary where one keeps at least :data:`MIN_NAME_WORDS` (else to ``max_words``),
    without closing punctuation and with a capital first letter."""
    text = " ".join(str(text).split())
    text = text.strip(" \"'«»“”„")
    text = _INLINE_FILLERS.sub(" ", text)
    text = _INLINE_HEDGES.sub(",", " ".join(text.split()))
    bare = " ".join(_ASIDE.sub(" ", text).split())  # parenthetical asides out
    if word_count(bare) >= MIN_NAME_WORDS:
        text = bare.replace(" ,", ",").replace(" .", ".")
    text = _OPENERS.sub("", text + " ").strip()
    if word_count(text) > min(max_words, SHORT_NAME_WORDS):
        text = _cut(text, min(max_words, SHORT_NAME_WORDS), max_words)
    for _ in range(3):  # "…, falan filan." twice
        trimmed = _TRAILING.sub("", text)
        if trimmed == text or word_count(trimmed) < MIN_NAME_WORDS:
            break
        text = trimmed
    text = text.strip(" ,;:—–-\"'«»“”„").rstrip(".!?…").strip()
    return text[:1].upper() + text[1:] if text else ""


def _cut(text: str, short: int, max_words: int) -> str:
    """The longest prefix of whole clauses within ``short`` words; else within ``max_words``
    (``text`` itself when it fits); else the first ``max_words`` words."""
    best = _clauses(text, short)
    if best:
        return best
    if word_count(text) <= max_words:
        return text
    best = _clauses(text, max_words)
    if best:
        return best
    return " ".join(text.split()[:max_words])


def _clauses(text: str, max_words: int) -> str:
    best = ""
    for match in _CLAUSE.finditer(text):
        prefix = text[: match.start()]
        words = word_count(prefix)
        if words > max_words:
            break
        if words >= MIN_NAME_WORDS and _balanced(prefix):
            best = prefix
    return best


def reads_whole(phrase: str) -> bool:
    """Whether ``phrase`` reads as a whole statement: 4–14 words, not opening like a
    dependent clause nor ending on a word that leaves the thought open, and no unbalanced
    brackets or quotes."""
    words = phrase.split()
    if not 4 <= word_count(phrase) <= SHORT_NAME_WORDS:
        return False
    first, last = words[0].lower().strip(_EDGE), words[-1].lower().strip(_EDGE)
    return first not in _DEPENDENT and last not in _DANGLING and _balanced(phrase)


def spans(text: str, max_words: int = SHORT_NAME_WORDS) -> list[tuple[str, bool, bool]]:
    """Every run of consecutive clauses of ``text`` (the whole text too) with at most
    ``max_words`` words, each cleaned by :func:`clean_phrase`, with whether it opens a
    sentence of ``text`` and whether it is weak as a name: it opens inside a list (its first
    clause and the one before it have at most two words each: "…payments, wages, this
    month…") or asks a question; duplicates once."""
    text = " ".join(str(text).split())
    bounds = [0]
    for match in _CLAUSE.finditer(text):
        bounds += [match.start(), match.end()]
    bounds.append(len(text))
    pieces = [(bounds[i], bounds[i + 1]) for i in range(0, len(bounds) - 1, 2)]
    whole = clean_phrase(text, MAX_NAME_WORDS)
    found = {whole: (True, opens_with_list(whole))}
    short = [word_count(text[a:b]) <= 2 for a, b in pieces]
    for i, (start, _) in enumerate(pieces):
        opens = start == 0 or text[:start].rstrip()[-1:] in ".!?…"
        listed = i > 0 and short[i] and short[i - 1]
        for _, end in pieces[i:]:
            part = text[start:end]
            if word_count(part) > max_words:
                break
            if word_count(part) >= MIN_NAME_WORDS:
                phrase = clean_phrase(part, max_words)
                asks = text[end:].lstrip().startswith("?") or part.rstrip().endswith("?")
                found.setdefault(phrase, (opens, listed or asks or opens_with_list(phrase)))
    return [(phrase, *flags) for phrase, flags in found.items() if phrase]


def stems(text: str) -> set[str]:
    """The content words of ``text`` cut to their first five letters (a crude stem that
    lines up «документы»/«документов», "invoices"/"invoice", "ödeme"/"ödemeleri")."""
    words = (w.lower() for w in _WORD.findall(text))
    return {w[:5] for w in words if len(w) > 2 and w not in _GLUE and not w.isdigit()}


def shared_score(phrase: str, others: Sequence[set[str]]) -> float:
    """How much of what the others say ``phrase`` says: the share of ``others`` (the other
    members' content stems) that use two of its content stems (one: half); 0 without any."""
    own = stems(phrase)
    if not own or not others:
        return 0.0
    return sum(min(len(other & own), 2) for other in others) / (2 * len(others))


def _capitalised(texts: Sequence[str], min_members: int = 1) -> set[str]:
    """Capitalised words inside sentences (names of people, places, products: "Derek",
    "WhatsApp") used by at least ``min_members`` of ``texts``."""
    counts: dict[str, int] = {}
    for text in texts:
        found = set()
        for sentence in re.split(r"(?<=[.!?…])\s+", str(text)):
            for word in _WORD.findall(sentence)[1:]:
                if word[:1].isupper() and not word.isupper():
                    found.add(word)
        for word in found:
            counts[word] = counts.get(word, 0) + 1
    return {word for word, n in counts.items() if n >= min_members}


def opens_with_list(phrase: str) -> bool:
    """Whether ``phrase`` opens with a list: its first two comma-separated pieces have at most
    two words each ("Deposits, supplier payments, wages, …")."""
    pieces = phrase.split(",")
    return len(pieces) >= 3 and all(word_count(p) <= 2 for p in pieces[:2])


def best_phrase(
    texts: Sequence[str],
    similarity: Sequence[float],
    look_at: int = 8,
    max_words: int = MAX_NAME_WORDS,
    peers: int = 200,
) -> str:
    """The best name among the phrases (:func:`spans`) of the first ``look_at`` of ``texts``
    (closest to the centre first; ``similarity`` to it), scored against up to ``peers``
    members: shared content (:func:`shared_score`), plus half the member's closeness, plus 0.15
    when it reads whole and 0.1 when it opens a sentence; minus 0.25 for a dependent opening,
    0.1 under 5 words, 0.2 when it opens with or inside a list ("Deposits, supplier
    payments, wages, …") or asks a question, 0.2 when it names a person, place or product
    (a capitalised word inside a sentence) that no other member names ("people like Derek"),
    0.03 per word past 12 and 0.1 more per word past 14. '' when no phrase has 3 words."""
    bags = [stems(t) for t in texts[:peers]]
    shared_names = _capitalised(texts[:peers], min_members=2)
    best, best_score = "", float("-inf")
    for i, text in enumerate(texts[:look_at]):
        others = bags[:i] + bags[i + 1 :]
        closeness = float(similarity[i]) if i < len(similarity) else 0.0
        for phrase, opens, listed in spans(text, min(max_words, SHORT_NAME_WORDS)):
            words = word_count(phrase)
            if not MIN_NAME_WORDS <= words <= max_words:
                continue
            first = phrase.split()[0].lower().strip(_EDGE)
            score = shared_score(phrase, others) + 0.5 * closeness
            score += 0.15 * reads_whole(phrase) + 0.1 * opens - 0.25 * (first in _DEPENDENT)
            score -= 0.1 * (words < 5) + 0.2 * listed
            score -= 0.2 * bool(_capitalised([phrase]) - shared_names)  # one member's "Derek"
            score -= 0.03 * max(0, words - 12) + 0.1 * max(0, words - 14)
            if score > best_score + 1e-9:
                best, best_score = phrase, score
    return best


__all__ = [
    "MAX_NAME_WORDS",
    "MIN_NAME_WORDS",
    "SHORT_NAME_WORDS",
    "best_phrase",
    "clean_phrase",
    "opens_with_list",
    "reads_whole",
    "shared_score",
    "spans",
    "stems",
    "word_count",
]
