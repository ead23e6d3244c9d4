"""Offline language identification (lingua), tuned for short, informal text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

UNDETERMINED = "und"
# Languages our users write in, plus their closest confusions (so Ukrainian is not called Russian).
DEFAULT_LANGUAGES = ("en", "ru", "tr", "uk", "kk", "az", "de", "fr", "es", "it", "pt", "pl")
_MIN_LETTERS = 3
_MIN_CONFIDENCE = 0.5
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)


@lru_cache(maxsize=4)
def _detector(languages: tuple[str, ...]):
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [IsoCode639_1.from_str(code) for code in languages]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


class LanguageDetector:
    """Detect ISO 639-1 codes; text too short or too ambiguous falls back to ``default``."""

    def __init__(self, languages: Sequence[str] = DEFAULT_LANGUAGES) -> None:
        self.languages = tuple(languages)

    def detect(self, text: str, default: str = UNDETERMINED) -> str:
        return self.detect_many([text], default=default)[0]

    def detect_many(self, texts: Sequence[str], default: str = UNDETERMINED) -> list[str]:
        detector = _detector(self.languages)
        out: list[str] = []
        for text in texts:
            if len(_LETTERS.findall(text)) < _MIN_LETTERS:
                out.append(default)
                continue
            values = detector.compute_language_confidence_values(text[:2000])
            if not values or values[0].value < _MIN_CONFIDENCE:
                out.append(default)
            else:
                out.append(values[0].language.iso_code_639_1.name.lower())
        return out
