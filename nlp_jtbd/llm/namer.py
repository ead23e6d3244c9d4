"""A namer that asks a language model to phrase a candidate in plain words.

It implements the synthesis' :class:`~nlp_jtbd.synthesis.Namer` protocol: for one candidate it
sends the category's definition (from the codebook) and a handful of member quotes (the most
central, one per customer, in the candidate's majority language first) and asks for a short
plain-words name in that language. The answer is checked (one line of 3–20 words, no quotes,
markdown or keyword lists, in the expected script); an answer that fails, or a server that
fails, falls back to the extractive name, and :attr:`LLMNamer.audit_` records how each
candidate was named (``named_by``: ``llm:<model>`` or ``extractive``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from nlp_jtbd.codebook import Codebook, load_codebook
from nlp_jtbd.errors import JTBDError
from nlp_jtbd.llm.client import ChatClient
from nlp_jtbd.synthesis.naming import (
    MAX_NAME_WORDS,
    MIN_NAME_WORDS,
    ExtractiveNamer,
    Members,
    Namer,
    word_count,
)

LANGUAGES = {"ru": "Russian", "en": "English", "tr": "Turkish", "de": "German", "uk": "Ukrainian"}
_MARKUP = re.compile(r"[*_`#|<>\[\]{}·\"«»“”„]")
_LEAD = re.compile(r"^\s*(?:name|название|ad|isim|answer|ответ)\s*[:：-]\s*", re.IGNORECASE)
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LATIN = re.compile(r"[a-zçğıöşü]", re.IGNORECASE)


@dataclass
class NamingAudit:
    """How the candidates were named: per candidate the answer and who named it."""

    model: str
    asked: int = 0
    accepted: int = 0
    fell_back: int = 0
    rejected: list[dict[str, str]] = field(default_factory=list)  # answer and why

    def record(self) -> dict[str, object]:
        return {
            "namer": f"llm:{self.model}",
            "asked": self.asked,
            "accepted": self.accepted,
            "fell_back_to_extractive": self.fell_back,
            "rejected": self.rejected[:10],
        }


class LLMNamer:
    """Names candidates with ``client``'s model (see the module docstring).

    ``codebooks``: where the categories' definitions come from (names or loaded codebooks);
    ``quotes``: how many member quotes the prompt shows; ``fallback``: the namer used when an
    answer is not a valid name (default :class:`~nlp_jtbd.synthesis.ExtractiveNamer`)."""

    def __init__(
        self,
        client: ChatClient,
        *,
        codebooks: tuple[str | Codebook, ...] = ("jtbd5", "forces4"),
        quotes: int = 6,
        max_tokens: int = 40,
        fallback: Namer | None = None,
    ) -> None:
        self.client = client
        self.codebooks = codebooks
        self.quotes = quotes
        self.max_tokens = max_tokens
        self.fallback = fallback
        self.audit_ = NamingAudit(client.model)
        self._labels: dict[str, tuple[str, str]] | None = None

    @classmethod
    def from_coder(cls, coder: object, **kwargs: object) -> LLMNamer:
        """A namer on the same server and model as an :class:`~nlp_jtbd.llm.LLMCoder`."""
        client = ChatClient(
            coder.llm_url,  # type: ignore[attr-defined]
            coder.llm_model,  # type: ignore[attr-defined]
            api_key=coder.api_key,  # type: ignore[attr-defined]
            timeout=coder.llm_timeout,  # type: ignore[attr-defined]
            max_retries=coder.llm_retries,  # type: ignore[attr-defined]
        )
        book = coder.codebook  # type: ignore[attr-defined]
        books = (book, "forces4") if book != "forces4" else (book,)
        return cls(client, codebooks=books, **kwargs)  # type: ignore[arg-type]

    @property
    def named_by(self) -> str:
        return f"llm:{self.client.model}"

    # -- the Namer protocol -----------------------------------------------------------------
    def name(self, members: Members) -> str:
        return self.name_and_source(members)[0]

    def name_and_source(self, members: Members) -> tuple[str, str]:
        """The name and who gave it: ``llm:<model>``, or the fallback's (``extractive``)."""
        self.audit_.asked += 1
        lang = majority_language(members)
        try:
            answer = self.client.chat(
                self.messages(members, lang), max_tokens=self.max_tokens, stop=["\n\n"]
            ).text
        except JTBDError as error:  # a server that fails: the extractive name, recorded
            answer, why = "", f"server: {error}"
        else:
            why = ""
        name, problem = check_name(answer, lang)
        if name:
            self.audit_.accepted += 1
            return name, self.named_by
        self.audit_.fell_back += 1
        self.audit_.rejected.append({"answer": answer[:200], "why": why or problem})
        fallback = self.fallback or ExtractiveNamer()
        return fallback.name(members), getattr(fallback, "named_by", "extractive")

    # -- the prompt -------------------------------------------------------------------------
    def messages(self, members: Members, lang: str) -> list[dict[str, str]]:
        """The conversation for one candidate: instructions, definition, quotes."""
        title, definition = self._definition(members.category)
        language = LANGUAGES.get(lang, lang)
        system = (
            "You help a researcher who analyses customer interviews and reviews with the "
            "Jobs-to-be-Done method. You name one group of customer statements with a short "
            f"phrase in plain words, in {language}, that a researcher can read aloud and "
            "repeat: 3 to 12 words, stated as the customer would (for a job: an action and "
            "its expected result, e.g. 'get invoices paid on time without chasing clients'). "
            "No quotes, no lists, no markdown, no explanation: answer with the name only."
        )
        lines = [f"Category: {title}. {definition}", "", "What customers said:"]
        lines += [f"- {text}" for text in pick_quotes(members, lang, self.quotes)]
        lines += ["", f"Name of this {title.lower()} in {language}:"]
        return [
            {"role": "system", "content": system},
            {"role": "user", "content": "\n".join(lines)},
        ]

    def _definition(self, category: str) -> tuple[str, str]:
        if self._labels is None:
            self._labels = {}
            for book in self.codebooks:
                loaded = book if isinstance(book, Codebook) else load_codebook(book)
                for label in loaded.labels:
                    self._labels.setdefault(label.name, (label.title, label.definition.strip()))
        return self._labels.get(category, (category.replace("_", " "), ""))


def majority_language(members: Members) -> str:
    """The language most members speak (ties: the one of the more central member)."""
    if not members.langs:
        return "und"
    counts = Counter(members.langs)
    top = max(counts.values())
    return next(lang for lang in members.langs if counts[lang] == top)


def pick_quotes(members: Members, lang: str, n: int) -> list[str]:
    """Up to ``n`` member texts, most central first, one per customer, ``lang`` first."""
    order = sorted(range(len(members.texts)), key=lambda i: (members.langs[i] != lang, i))
    picked: list[str] = []
    seen: set[str] = set()
    for i in order:
        if members.customers[i] in seen:
            continue
        seen.add(members.customers[i])
        picked.append(" ".join(members.texts[i].split())[:300])
        if len(picked) == n:
            break
    return picked


def check_name(answer: str, lang: str) -> tuple[str, str]:
    """``(name, "")`` when ``answer`` is a valid name (its first line, without a leading
    ``Name:`` and closing punctuation), else ``("", why)``."""
    lines = [line.strip() for line in str(answer).splitlines() if line.strip()]
    if not lines:
        return "", "empty answer"
    text = _LEAD.sub("", lines[0]).strip().rstrip(".!;:,").strip()
    text = text.strip("'").strip()
    if _MARKUP.search(text) or text.startswith(("-", "1.", "'")):
        return "", "quotes, markdown or a list"
    if not MIN_NAME_WORDS <= word_count(text) <= MAX_NAME_WORDS:
        return "", f"{word_count(text)} words (a name has {MIN_NAME_WORDS}–{MAX_NAME_WORDS})"
    cyrillic, latin = len(_CYRILLIC.findall(text)), len(_LATIN.findall(text))
    if lang in ("ru", "uk") and cyrillic <= latin:
        return "", "not in the candidate's language"
    if lang in ("en", "tr", "de") and cyrillic > 0:
        return "", "not in the candidate's language"
    return text[:1].upper() + text[1:], ""


__all__ = ["LLMNamer", "NamingAudit", "check_name", "majority_language", "pick_quotes"]
