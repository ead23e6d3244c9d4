"""The codebook's own rules, applied after the model: transparent, and named in the output.

One rule so far, from the coding guide (`annotation_guides/jtbd5.md`): **bare fragments are
`none`** (§7 rule 5: "Because of the kids." or «Ну, для себя.» carry no codable goal or job
even when the question points at one; §3: "Context never turns a neutral answer into a
category", «Сорок два человека.» after «Почему вы начали искать?» is still `none`; §5 `none`:
greetings, filler, backchannels, "I don't remember"). An utterance of at most
``fragment_words`` words (fillers and hesitation sounds not counted; two by default) is too
short to carry a trigger, job, goal, barrier or step, so it gets the codebook's fallback label,
whatever the model or the interviewer's question suggests.
"""

from __future__ import annotations

import re

FRAGMENT_RULE = "fragment"  # the name a rule-decided row carries in predictions.csv
# "Yeah, exactly.", «Ну, для себя.» (guide §7 rule 5). Not more: "I need faster invoicing.",
# «Хочу быстро выставлять счета.», "Faturaları hızlı kesmek istiyorum." are jobs in three or four
# words (sentence-split interviews are full of them); longer fragments are left to the model,
# which codes "Because of the kids." or "It's not true." `none` on its own.
FRAGMENT_WORDS = 2
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
# Hesitation sounds and fillers that carry no content (ru / en / tr); a word like "yes",
# "exactly" or "да" still counts, so "Yeah, exactly." is two words.
FILLERS = frozenset(
    {
        "um", "umm", "uh", "uhm", "uh-huh", "erm", "er", "hmm", "hm", "mhm", "mm", "mmm",
        "ah", "oh", "eh", "well",
        "э", "ээ", "эээ", "э-э", "э-э-э", "эм", "мм", "ммм", "хм", "ну", "вот", "типа",
        "короче", "ой", "ах", "ага", "угу",
        "ıı", "ııı", "ı", "ee", "eee", "e", "şey", "yani", "işte", "hıı", "hı",
    }
)  # fmt: skip


def content_words(text: str) -> list[str]:
    """The words of ``text`` that are not fillers, lower-cased."""
    return [w for w in _WORD.findall(str(text).lower()) if w not in FILLERS]


def is_fragment(text: str, max_words: int = FRAGMENT_WORDS) -> bool:
    """Whether ``text`` has at most ``max_words`` content words (0: the rule is off)."""
    return max_words > 0 and len(content_words(text)) <= max_words
