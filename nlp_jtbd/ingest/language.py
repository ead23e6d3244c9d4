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
_MIN_CONFIDENCE = 0.5
_CONFIDENT = 0.9  # a guess this sure is never overridden by the corpus prior
_PRIOR_SHARE = 0.6  # a language this common in a batch is the prior for unsure short texts
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
        clean = _NOISE.sub(" ", text)[:2000]
        if len(_LETTERS.findall(clean)) < _MIN_LETTERS:
            return Guess(UNDETERMINED, 0.0, {})
        values = _detector(self.languages).compute_language_confidence_values(clean)
        scores = {v.language.iso_code_639_1.name.lower(): v.value for v in values}
        if not values or values[0].value < _MIN_CONFIDENCE:
            return Guess(UNDETERMINED, values[0].value if values else 0.0, scores)
        top = values[0]
        return Guess(top.language.iso_code_639_1.name.lower(), top.value, scores)

    def detect(self, text: str, default: str = UNDETERMINED) -> str:
        lang = self.guess(text).lang
        return default if lang == UNDETERMINED else lang

    def detect_many(self, texts: Sequence[str]) -> list[str]:
        """Per-text languages, using the batch's dominant language as a prior.

        Short texts ("ok", "Süper") are ambiguous; when one language dominates the batch, an
        unsure guess that still gives the dominant language a real chance takes it instead.
        """
        guesses = [self.guess(t) for t in texts]
        counts = Counter(g.lang for g in guesses if g.lang != UNDETERMINED)
        total = sum(counts.values())
        prior, share = counts.most_common(1)[0] if counts else (UNDETERMINED, 0)
        dominant = prior if total and share / total >= _PRIOR_SHARE else None
        out = []
        for g in guesses:
            if (
                dominant
                and g.lang != dominant
                and g.confidence < _CONFIDENT
                and (g.lang == UNDETERMINED or g.scores.get(dominant, 0.0) >= 0.05 or not g.scores)
            ):
                out.append(dominant)
            else:
                out.append(g.lang)
        return out
