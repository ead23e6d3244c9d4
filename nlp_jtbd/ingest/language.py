"""Offline language identification (lingua), tuned for short, informal text."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

UNDETERMINED = "und"
# Languages our users write in, plus their closest confusions (so Ukrainian is not called Russian).
DEFAULT_LANGUAGES = ("en", "ru", "tr", "uk", "kk", "az", "de", "fr", "es", "it", "pt", "pl")
_MIN_LETTERS = 3
_MAX_CHARS = 400  # the language is clear long before this; longer texts only cost time
_MIN_CONFIDENCE = 0.5
_CONFIDENT = 0.9  # a guess this sure needs no prior
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#][\w.]+|\S+@\S+|\d+", re.UNICODE)


@lru_cache(maxsize=4)
def _detector(languages: tuple[str, ...]):  # noqa: ANN202 - lingua type
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [IsoCode639_1.from_str(code) for code in languages]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


@dataclass(frozen=True)
class Guess:
    lang: str
    confidence: float
    scores: dict[str, float]


class LanguageDetector:
    """Detect ISO 639-1 codes; text too short or too ambiguous is ``und`` or takes a prior."""

    def __init__(self, languages: Sequence[str] = DEFAULT_LANGUAGES) -> None:
        self.languages = tuple(languages)

    def guess(self, text: str) -> Guess:
        return self.guess_many([text])[0]

    def guess_many(self, texts: Sequence[str]) -> list[Guess]:
        """Guesses for many texts at once (lingua scores them on all cores)."""
        clean = [_NOISE.sub(" ", t[:_MAX_CHARS]) for t in texts]
        scorable = [i for i, t in enumerate(clean) if len(_LETTERS.findall(t)) >= _MIN_LETTERS]
        results = _detector(self.languages).compute_language_confidence_values_in_parallel(
            [clean[i] for i in scorable]
        )
        guesses = [Guess(UNDETERMINED, 0.0, {}) for _ in texts]
        for i, values in zip(scorable, results, strict=True):
            scores = {v.language.iso_code_639_1.name.lower(): v.value for v in values}
            top = values[0] if values else None
            if top is None or top.value < _MIN_CONFIDENCE:
                guesses[i] = Guess(UNDETERMINED, top.value if top else 0.0, scores)
            else:
                guesses[i] = Guess(top.language.iso_code_639_1.name.lower(), top.value, scores)
        return guesses

    def detect(self, text: str, default: str = UNDETERMINED) -> str:
        lang = self.guess(text).lang
        return default if lang == UNDETERMINED else lang

    def detect_many(self, texts: Sequence[str]) -> list[str]:
        """Per-text languages, using the batch's language mix as a prior.

        Short texts ("Love it", "Норм", "Harika 👏") get flat scores over related languages;
        multiplying the scores by the batch's language shares (Laplace-smoothed) settles them
        the way a reader who knows the corpus would: "Норм" in a Russian/English/Turkish dump
        is Russian, not Ukrainian. Texts without enough letters stay ``und``.
        """
        guesses = self.guess_many(texts)
        counts = Counter(g.lang for g in guesses if g.lang != UNDETERMINED)
        total = sum(counts.values()) + len(self.languages)
        prior = {lang: (counts.get(lang, 0) + 1) / total for lang in self.languages}
        out = []
        for g in guesses:
            if not g.scores or g.confidence >= _CONFIDENT:
                out.append(g.lang)
                continue
            posterior = {lang: score * prior.get(lang, 0.0) for lang, score in g.scores.items()}
            norm = sum(posterior.values())
            best = max(posterior, key=posterior.__getitem__) if norm else UNDETERMINED
            out.append(best if norm and posterior[best] / norm >= _MIN_CONFIDENCE else UNDETERMINED)
        return out
