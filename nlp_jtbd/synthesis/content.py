"""Which coded utterances can carry a candidate: content, not fillers, backchannels or greetings.

A candidate job, trigger or barrier is a statement. "Понятно.", "Um.", "Yeah, exactly.",
"Thanks, bye!" or "Evet, tabii." say nothing a researcher could repeat, so they never form or
join a candidate, whatever they were coded. Codes a rule decided (``coder`` ``rule:…``, e.g. a
bare fragment) are left out too: the rule already said the utterance holds no content.
"""

from __future__ import annotations

import re

import pandas as pd

from nlp_jtbd.classify.rules import FILLERS

_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
# Words that carry no content on their own: backchannels, hedges, greetings and pronoun-like
# glue (ru / en / tr). A statement needs ``min_words`` words outside this list.
EMPTY_WORDS = FILLERS | frozenset(
    {
        # en
        "yes", "yeah", "yep", "yup", "no", "nope", "ok", "okay", "right", "sure", "exactly",
        "totally", "absolutely", "really", "true", "hi", "hello", "hey", "bye", "thanks",
        "thank", "you", "i", "we", "it", "that", "this", "is", "was", "so", "and", "but", "a",
        "the", "of", "to", "mean", "know", "guess", "think", "see", "got", "it's", "that's",
        "like", "just", "kind", "sort", "maybe", "perhaps", "good", "great", "fine", "cool",
        "nice", "interesting", "question", "sorry", "please", "hmm", "mm-hmm", "uh-huh",
        "don't", "remember", "not", "let", "me", "well", "oh",
        # ru
        "да", "нет", "ага", "угу", "понятно", "ясно", "конечно", "хорошо", "ладно", "спасибо",
        "здравствуйте", "привет", "пока", "до", "свидания", "ну", "вот", "так", "это", "я",
        "мы", "и", "а", "но", "как", "бы", "в", "общем", "наверное", "может", "быть", "точно",
        "правда", "именно", "отлично", "супер", "интересно", "вопрос", "не", "помню", "знаю",
        "думаю", "скажем", "значит", "то", "есть", "всё", "все", "там", "тут", "же",
        # tr
        "evet", "hayır", "tamam", "tabii", "tabi", "peki", "teşekkürler", "teşekkür",
        "ederim", "merhaba", "selam", "görüşürüz", "yani", "şey", "işte", "ben", "biz", "bu",
        "şu", "o", "ve", "ama", "gibi", "kesinlikle", "aynen", "doğru", "güzel", "iyi",
        "bilmiyorum", "hatırlamıyorum", "sanırım", "galiba", "belki", "mi", "mı", "mu", "mü",
        "de", "da", "çok", "hani",
    }
)  # fmt: skip
MIN_WORDS = 3


def statement_words(text: str) -> list[str]:
    """The words of ``text`` that carry content (not in :data:`EMPTY_WORDS`), lower-cased."""
    return [w for w in _WORD.findall(str(text).lower()) if w not in EMPTY_WORDS]


def has_content(text: str, min_words: int = MIN_WORDS) -> bool:
    """Whether ``text`` says something: at least ``min_words`` content words."""
    return len(statement_words(text)) >= min_words


def content_mask(
    texts: pd.Series, coders: pd.Series | None = None, min_words: int = MIN_WORDS
) -> pd.Series:
    """Per row: True where the utterance may join a candidate (it has content, and no
    codebook rule decided its code)."""
    mask = texts.fillna("").astype(str).map(lambda t: has_content(t, min_words))
    if coders is not None:
        mask &= ~coders.fillna("").astype(str).str.startswith("rule:")
    return mask.astype(bool)


__all__ = ["EMPTY_WORDS", "MIN_WORDS", "content_mask", "has_content", "statement_words"]
