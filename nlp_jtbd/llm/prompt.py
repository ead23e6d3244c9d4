"""The coding prompt: the codebook's definitions and rules as instructions, a few of its coded
examples as earlier turns, and the reading of the model's answer back into a label."""

from __future__ import annotations

import json
import re

from nlp_jtbd.codebook import Codebook

ANSWER_RULE = "Answer with the label name only, exactly as written above, and nothing else."


def system_prompt(book: Codebook) -> str:
    """The codebook as instructions: what is coded, then each label with its rules."""
    lines = [
        f"You code utterances from customer interviews and reviews with the codebook "
        f"'{book.title}'. {book.description.strip()}",
        "",
        "Labels:",
    ]
    for label in book.labels:
        lines.append(f"- {label.name} ({label.title}): {label.definition.strip()}")
        lines.extend(f"    use when: {rule}" for rule in label.use_when)
        lines.extend(f"    not when: {rule}" for rule in label.not_when)
    lines += [
        "",
        f"If no label applies, answer {book.fallback_label}. The interviewer's question, when "
        "given, is context only: code the answer.",
        ANSWER_RULE,
    ]
    return "\n".join(lines)


def user_message(text: str, context: str | None = None) -> str:
    """One utterance to code, after its interviewer question when there is one."""
    if context:
        return f"Interviewer asked: {context.strip()}\nUtterance: {text.strip()}"
    return f"Utterance: {text.strip()}"


def example_turns(book: Codebook, lang: str | None, per_label: int) -> list[dict[str, str]]:
    """Up to ``per_label`` of the codebook's examples of each label, in ``lang`` where it has
    them (else English), as user/assistant turns, labels interleaved."""
    pools = []
    for label in book.labels:
        examples = label.examples.get(lang or "en") or label.examples.get("en") or []
        pools.append([(text, label.name) for text in examples[:per_label]])
    turns: list[dict[str, str]] = []
    for rank in range(per_label):
        for pool in pools:
            if rank < len(pool):
                text, name = pool[rank]
                turns.append({"role": "user", "content": user_message(text)})
                turns.append({"role": "assistant", "content": name})
    return turns


def messages_for(
    book: Codebook, text: str, context: str | None, lang: str | None, per_label: int
) -> list[dict[str, str]]:
    """The whole conversation sent for one utterance."""
    return [
        {"role": "system", "content": system_prompt(book)},
        *example_turns(book, lang, per_label),
        {"role": "user", "content": user_message(text, context)},
    ]


def _key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def parse_label(answer: str, book: Codebook) -> str | None:
    """The label an answer names: a JSON ``{"label": ...}``, or the first label name (or
    title) in the text; None when it names none."""
    names = {name: name for name in book.names}
    text = answer.strip()
    match = re.search(r"\{.*\}", text, flags=re.S)
    if match:
        try:
            value = json.loads(match.group(0))
        except ValueError:
            value = None
        if isinstance(value, dict) and _key(str(value.get("label", ""))) in names:
            return names[_key(str(value["label"]))]
    spelled = {**{_key(label.title): label.name for label in book.labels}, **names}
    found: list[tuple[int, int, str]] = []
    lowered = _key(text)
    for spelling, name in spelled.items():
        hit = re.search(rf"(?<![a-z0-9]){re.escape(spelling)}(?![a-z0-9])", lowered)
        if hit:
            found.append((hit.start(), -len(spelling), name))
    return min(found)[2] if found else None
