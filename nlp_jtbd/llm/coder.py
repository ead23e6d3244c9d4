"""A coder that asks a language model, alone or as a second opinion on unsure codes."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from nlp_jtbd.codebook import Codebook, load_codebook
from nlp_jtbd.errors import ServiceError, UsageError
from nlp_jtbd.llm.client import ChatClient
from nlp_jtbd.llm.prompt import messages_for, parse_label

MODES = ("unsure", "all")
ANSWER_CHARS = 200


@dataclass(frozen=True)
class LLMCoding:
    """Per utterance: the label the model named (None when its answer named none), its
    answer as given (cut to 200 characters), and the seconds the whole batch took."""

    labels: list[str | None]
    answers: list[str]
    seconds: float

    @property
    def parsed(self) -> int:
        return sum(label is not None for label in self.labels)


class LLMCoder(BaseEstimator):
    """Codes utterances by asking ``llm_model`` on the OpenAI-compatible server at
    ``llm_url``, with the codebook's definitions and ``examples_per_label`` of its examples as
    the prompt. ``llm_mode`` says what it codes next to the classifier: ``unsure`` (its
    unsure codes) or ``all``. ``fit`` loads the codebook and opens the connection."""

    def __init__(
        self,
        llm_url: str = "http://127.0.0.1:11434",
        llm_model: str = "",
        codebook: str = "jtbd5",
        *,
        llm_mode: str = "unsure",
        api_key: str | None = None,
        examples_per_label: int = 2,
        llm_timeout: float = 60.0,
        llm_retries: int = 2,
        concurrency: int = 2,
        max_tokens: int = 16,
    ) -> None:
        self.llm_url = llm_url
        self.llm_model = llm_model
        self.codebook = codebook
        self.llm_mode = llm_mode
        self.api_key = api_key
        self.examples_per_label = examples_per_label
        self.llm_timeout = llm_timeout
        self.llm_retries = llm_retries
        self.concurrency = concurrency
        self.max_tokens = max_tokens

    @property
    def coder_name(self) -> str:
        """What predictions record as the coder: ``llm:<model>``."""
        return f"llm:{self.llm_model}"

    def fit(self, X: object = None, y: object = None) -> LLMCoder:
        """Load the codebook and open the connection (nothing is learned)."""
        if not self.llm_model:
            raise UsageError(
                "`llm_model` is empty", fix="name the model the server serves, e.g. qwen2.5:7b"
            )
        if self.llm_mode not in MODES:
            raise UsageError(f"`llm_mode` must be one of {', '.join(MODES)}, got {self.llm_mode!r}")
        if self.concurrency < 1 or self.examples_per_label < 0:
            raise UsageError("`concurrency` must be ≥ 1 and `examples_per_label` ≥ 0")
        book = self.codebook if isinstance(self.codebook, Codebook) else None
        self.codebook_ = book or load_codebook(self.codebook)
        self.client_ = ChatClient(
            self.llm_url,
            self.llm_model,
            api_key=self.api_key,
            timeout=self.llm_timeout,
            max_retries=self.llm_retries,
        )
        return self

    def code(
        self,
        texts: Sequence[str],
        contexts: Sequence[str | None] | None = None,
        langs: Sequence[str | None] | None = None,
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> LLMCoding:
        """Ask the model about each text (``concurrency`` requests at a time)."""
        if not hasattr(self, "client_"):
            self.fit()
        n = len(texts)
        contexts = list(contexts) if contexts is not None else [None] * n
        langs = list(langs) if langs is not None else [None] * n
        if len(contexts) != n or len(langs) != n:
            raise UsageError("`contexts` and `langs` must have one entry per text")
        started = time.perf_counter()

        def ask(i: int) -> str:
            messages = messages_for(
                self.codebook_, texts[i], contexts[i], langs[i], self.examples_per_label
            )
            return self.client_.chat(messages, max_tokens=self.max_tokens, stop=["\n"]).text

        answers: list[str] = [""] * n
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            for i, answer in enumerate(pool.map(ask, range(n))):
                answers[i] = answer
                if progress:
                    progress(i + 1, n)
        labels = [parse_label(answer, self.codebook_) for answer in answers]
        cut = [" ".join(answer.split())[:ANSWER_CHARS] for answer in answers]
        return LLMCoding(labels, cut, time.perf_counter() - started)

    def predict(
        self,
        texts: Sequence[str],
        contexts: Sequence[str | None] | None = None,
        langs: Sequence[str | None] | None = None,
    ) -> np.ndarray:
        """The named labels; the codebook's fallback label where an answer named none."""
        coding = self.code(texts, contexts, langs)
        fallback = self.codebook_.fallback_label
        return np.array([label or fallback for label in coding.labels], dtype=object)


def second_opinion(
    predictions: pd.DataFrame,
    evidence: pd.DataFrame,
    coder: LLMCoder,
    *,
    mode: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[pd.DataFrame, dict[str, object]]:
    """``predictions`` (``utterance_id, label, …, unsure, coder``) with the language model
    asked about the unsure rows (``mode="unsure"``) or every row (``"all"``; default: the
    coder's ``llm_mode``); rows a codebook
    rule decided are not asked. Adds ``model_label`` (the fast model's code), ``llm_label``
    and ``llm_answer``; where the model named a label it becomes ``label`` and ``coder`` is
    ``llm:<model>``. ``evidence`` gives ``text`` (and ``context``, ``lang``) per
    ``utterance_id``. Returns the table and an audit record."""
    mode = mode or coder.llm_mode
    if mode not in MODES:
        raise UsageError(f"`llm_mode` must be one of {', '.join(MODES)}, got {mode!r}")
    table = predictions.copy()
    table["model_label"] = table["label"]
    table["llm_label"] = ""
    table["llm_answer"] = ""
    by_id = evidence.set_index("utterance_id")
    asked = ~table["coder"].astype(str).str.startswith("rule:")
    if mode == "unsure":
        asked &= table["unsure"].astype(bool)
    rows = table.index[asked]
    ids = table.loc[rows, "utterance_id"]
    missing = ids[~ids.isin(by_id.index)]
    if len(missing):
        raise UsageError(f"utterance '{missing.iloc[0]}' of the predictions has no text")
    picked = by_id.loc[ids]

    def column(name: str) -> list[str | None] | None:
        if name not in picked.columns:
            return None
        return [None if pd.isna(v) or v == "" else str(v) for v in picked[name]]

    coding = coder.code(
        picked["text"].astype(str).tolist(), column("context"), column("lang"), progress=progress
    )
    named = np.array([label is not None for label in coding.labels], dtype=bool)
    table.loc[rows, "llm_answer"] = coding.answers
    table.loc[rows, "llm_label"] = [label or "" for label in coding.labels]
    decided = rows[named]
    changed = int((table.loc[decided, "llm_label"] != table.loc[decided, "model_label"]).sum())
    table.loc[decided, "label"] = table.loc[decided, "llm_label"]
    table.loc[decided, "coder"] = coder.coder_name
    if len(rows) and not named.any():
        raise ServiceError(
            f"the language model {coder.llm_model!r} named no label of the codebook in any of "
            f"its {len(rows)} answers (first: {coding.answers[0]!r})",
            fix="use an instruction-tuned model; the prompt asks for a label name only",
        )
    audit = {
        "coder": coder.coder_name,
        "url": coder.llm_url,
        "mode": mode,
        "asked": len(rows),
        "named_a_label": int(named.sum()),
        "changed": changed,
        "seconds": round(coding.seconds, 2),
    }
    return table, audit
