"""Content words for keywords: lower-cased, lemmatised, stop words and interview fillers out.

Fast enough for millions of short texts: one regex pass per text, and every distinct word is
analysed once (cached). Stop words come from spaCy's lists, read without importing spaCy.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import simplemma

UNDETERMINED = "und"
MIN_LENGTH = 3
LEMMA_SHARE = 0.25  # show the lemma itself when people write it at least this often (vs top form)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words people say in interviews that carry no topic (spaCy's lists have most of the rest).
# They are stop words in every language: interviews switch language mid-sentence.
FILLERS: dict[str, frozenset[str]] = {
    "ru": _words(
        "ну вот как бы типа типо короче это вообще просто значит ладно блин щас вроде "
        "ага угу окей ок ээ эм ммм кстати реально честно наверное прям прямо"
    ),
    "en": _words(
        "um uh uhm erm hmm yeah yep yes like okay ok kind sort really actually basically "
        "literally gonna wanna stuff thing things lot bit pretty guess maybe"
    ),
    "tr": _words(
        "şey yani işte hani tamam evet falan filan peki mesela galiba herhalde böyle öyle "
        "şöyle aslında zaten açıkçası valla vallahi"
    ),
}
_ALL_FILLERS = frozenset().union(*FILLERS.values())

CYRILLIC_LANGS = _words("ru uk be bg mk sr kk ky tg mn tt ba cv")
_NON_LATIN_LANGS = CYRILLIC_LANGS | _words("el ar fa he hi ur bn ta te ja zh ko th ka hy")
_TURKIC_I = frozenset(("tr", "az"))
_WORD = r"[^\W\d_]+(?:[-'’ʼ‘][^\W\d_]+)*"  # letters, with in-word hyphens and apostrophes
_TOKEN = re.compile(rf"({_WORD})|[\d_]\w*|\S")  # words are captured; anything else ends a run
_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w+|@\w+")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_APOSTROPHES = str.maketrans("’ʼ‘", "'''")
_CACHE_SIZE = 1 << 20  # words analysed per language before the cache starts afresh
_UNSEEN = object()
_HESITATION = re.compile(r"(.)\1+|h+m+|u+[hm]+|e+r+m+|m+h+m*|э+[мэ]*|м+|х+м+", re.IGNORECASE)

try:  # simplemma's dictionaries; other languages are lower-cased, not lemmatised
    from simplemma.strategies.dictionaries.dictionary_factory import SUPPORTED_LANGUAGES
except ImportError:  # pragma: no cover - older or newer simplemma layout
    SUPPORTED_LANGUAGES = frozenset(("ru", "en", "tr", "uk", "de", "fr", "es", "it", "pt", "pl"))


class Token(NamedTuple):
    """One kept word: ``lemma`` to count, ``surface`` (lower-cased) and ``form`` as written."""

    lemma: str
    surface: str
    form: str


def resolve_lang(lang: str | None, text: str = "") -> str:
    """ISO 639-1 code to analyse with; ``und``, empty or malformed: Cyrillic → ru, else en."""
    code = _code(lang) if isinstance(lang, str) else ""
    if code:
        return code
    return "ru" if isinstance(text, str) and _CYRILLIC.search(text) else "en"


@lru_cache(maxsize=256)
def _code(lang: str) -> str:
    code = lang.strip().lower().replace("_", "-").split("-")[0]
    return code if code.isalpha() and code.isascii() and code != UNDETERMINED else ""


def lower(text: str, lang: str) -> str:
    """Lower-case the way the language does: Turkish ``I`` → ``ı``, ``İ`` → ``i``."""
    if lang in _TURKIC_I:
        text = text.replace("I", "ı").replace("İ", "i")
    elif "İ" in text:
        text = text.replace("İ", "i")
    return text.lower()


@lru_cache(maxsize=1 << 20)
def lemma(word: str, lang: str) -> str:
    """simplemma's lemma of a lower-cased word (the word itself where it has no dictionary)."""
    if lang not in SUPPORTED_LANGUAGES:
        return word
    try:
        return lower(simplemma.lemmatize(word, lang=lang), lang)
    except ValueError:  # pragma: no cover - a language simplemma lists but cannot load
        return word


@lru_cache(maxsize=64)
def stop_words(lang: str) -> frozenset[str]:
    """spaCy's stop words for ``lang`` plus the interview fillers of every language."""
    return _spacy_stop_words(lang) | _ALL_FILLERS


def _spacy_stop_words(lang: str) -> frozenset[str]:
    """Read ``spacy/lang/<lang>/stop_words.py`` without importing spaCy (which takes seconds)."""
    if not (lang.isalpha() and lang.isascii()):
        return frozenset()
    try:
        spec = importlib.util.find_spec("spacy")
        roots = list(spec.submodule_search_locations or []) if spec else []
        path = Path(roots[0], "lang", lang, "stop_words.py") if roots else None
        if path is None or not path.is_file():
            return frozenset()
        module_spec = importlib.util.spec_from_file_location(f"_jtbd_stop_words_{lang}", path)
        if module_spec is None or module_spec.loader is None:
            return frozenset()
        module = importlib.util.module_from_spec(module_spec)
        module_spec.loader.exec_module(module)
        return frozenset(lower(w, lang) for w in getattr(module, "STOP_WORDS", ()))
    except Exception:  # a broken spaCy install must not stop keyword extraction
        return frozenset()


def _token_lang(word: str, lang: str) -> str:
    """Language to analyse one word in: code-switched words follow their script."""
    cyrillic = _CYRILLIC.match(word) is not None
    if cyrillic and lang not in CYRILLIC_LANGS:
        return "ru"
    if not cyrillic and word.isascii() and lang in _NON_LATIN_LANGS:
        return "en"
    return lang


def _strip_apostrophe(word: str, lang: str) -> str | None:
    """``Pulse'u`` → ``Pulse``, ``customer's`` → ``customer``, ``l'appli`` → ``appli``;
    ``don't`` → None (negated auxiliaries are stop words); Ukrainian ``п'ять`` stays whole."""
    head, _, tail = word.partition("'")
    if not head or not tail:
        return head or tail
    if _CYRILLIC.match(head) and _CYRILLIC.match(tail):
        return word
    if tail.lower() == "t" and head.lower().endswith("n"):
        return None
    if lang == "en" or lang in _TURKIC_I or lang in CYRILLIC_LANGS:
        return head  # possessives, Turkish case suffixes, Russian endings on Latin names
    return tail if len(head) <= 2 else head  # French/Italian elision: l'app, dell'app


class Tokenizer:
    """Text and language → runs of content-word tokens, or just their lemmas.

    Words are lower-cased (Turkish-aware), cut at an apostrophe where what follows is a suffix,
    lemmatised with simplemma, and dropped when they are stop words (spaCy's lists, interview
    fillers, ``extra_stop_words``), hesitations (``ммм``, ``hmmm``), numbers or shorter than
    ``min_length`` letters. Words in another script than the text's language are analysed as
    Russian (Cyrillic) or English (Latin). Punctuation, numbers and dropped words end a run, so
    n-grams built inside runs are of adjacent content words.
    """

    def __init__(self, min_length: int = MIN_LENGTH, extra_stop_words: Iterable[str] = ()) -> None:
        self.min_length = min_length
        self.extra_stop_words = frozenset(w.lower() for w in extra_stop_words)
        self._cache: dict[str, dict[str, Token | None]] = {}  # language → word → analysis

    def __getstate__(self) -> dict[str, Any]:
        return {"min_length": self.min_length, "extra_stop_words": self.extra_stop_words}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(**state)

    def __repr__(self) -> str:
        extra = (
            f", extra_stop_words={sorted(self.extra_stop_words)}" if self.extra_stop_words else ""
        )
        return f"Tokenizer(min_length={self.min_length}{extra})"

    def runs(self, text: str, lang: str | None = None) -> list[list[Token]]:
        """Runs of adjacent kept tokens; anything dropped, punctuation or a number ends a run."""
        if not isinstance(text, str) or not text:
            return []
        code = resolve_lang(lang, text)
        if "@" in text or "://" in text or "www." in text:
            text = _NOISE.sub(" | ", text)
        cache = self._cache.get(code)
        if cache is None or len(cache) > _CACHE_SIZE:
            cache = self._cache[code] = {}
        runs: list[list[Token]] = []
        run: list[Token] = []
        first = True
        for word in _TOKEN.findall(text):
            token = None
            if word:
                if first:  # a capital at the start of a text says nothing about the word
                    first = False
                    if word[0].isupper() and word[1:].islower():
                        word = lower(word, code)
                token = cache.get(word, _UNSEEN)
                if token is _UNSEEN:
                    token = cache[word] = self._analyse(word, code)
            if token is not None:
                run.append(token)
            elif run:
                runs.append(run)
                run = []
        if run:
            runs.append(run)
        return runs

    def tokens(self, text: str, lang: str | None = None) -> list[Token]:
        """Kept tokens of a text, in order."""
        return [token for run in self.runs(text, lang) for token in run]

    def lemmas(self, text: str, lang: str | None = None) -> list[str]:
        """Lemmas of the kept words of a text, in order."""
        return [token.lemma for run in self.runs(text, lang) for token in run]

    def _analyse(self, word: str, lang: str) -> Token | None:
        if "'" in word or "’" in word or "ʼ" in word or "‘" in word:
            stripped = _strip_apostrophe(word.translate(_APOSTROPHES), lang)
            if stripped is None:
                return None
            word = stripped
        lang = _token_lang(word, lang)
        surface = lower(word, lang)
        if len(surface) < self.min_length or _HESITATION.fullmatch(surface):
            return None
        stops = stop_words(lang)
        english = stop_words("en") if lang != "en" and surface.isascii() else frozenset()
        extra = self.extra_stop_words
        if surface in stops or surface in english or surface in extra:
            return None
        if "-" in surface and all(
            len(part) < self.min_length or part in stops for part in surface.split("-")
        ):
            return None  # кто-то, из-за, по-моему
        base = lemma(surface, lang)
        if len(base) < self.min_length or base in stops or base in english or base in extra:
            return None
        return Token(base, surface, surface if word == surface else word)


DEFAULT_TOKENIZER = Tokenizer()


def lemmas(text: str, lang: str | None = None) -> list[str]:
    """Content-word lemmas of ``text`` with the default :class:`Tokenizer`."""
    return DEFAULT_TOKENIZER.lemmas(text, lang)


def choose_form(lemma: str, forms: Mapping[tuple[str, str], int]) -> str:
    """How to show a lemma (or an n-gram of lemmas) given how often each form was written.

    ``forms`` maps ``(surface, form)`` (lower-cased, as written) to counts. The lemma itself is
    shown when people write it too (at least ``LEMMA_SHARE`` as often as the commonest form),
    else the commonest surface form (so ``yenileme``, not the bare stem ``yenile``; ``службы
    поддержки``, not ``служба поддержка``). Its capitalisation is kept when most occurrences have
    it (``SMS``, ``Pulse``). Ties go to the lemma, then alphabetical order.
    """
    surfaces: Counter[str] = Counter()
    for (surface, _form), count in forms.items():
        surfaces[surface] += count
    if not surfaces:
        return lemma
    top = max(surfaces.values())
    if surfaces.get(lemma, 0) >= LEMMA_SHARE * top:
        surface = lemma
    else:
        surface = min(s for s, c in surfaces.items() if c == top)
    total = surfaces.get(surface, 0)
    cased = [(c, f) for (s, f), c in forms.items() if s == surface and f != surface]
    if cased:
        count, form = min(cased, key=lambda cf: (-cf[0], cf[1]))
        if 2 * count > total:
            return form
    return surface


class SurfaceForms:
    """How each lemma was written across a corpus, to show readable keywords."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter[tuple[str, str]]] = {}

    def update(self, tokens: Iterable[Token]) -> None:
        """Count the forms of these tokens."""
        counts = self.counts
        for token in tokens:
            forms = counts.get(token.lemma)
            if forms is None:
                forms = counts[token.lemma] = Counter()
            forms[token.surface, token.form] += 1

    def display(self, lemma: str) -> str:
        """The form to show for ``lemma`` (see :func:`choose_form`)."""
        return choose_form(lemma, self.counts.get(lemma, {}))
