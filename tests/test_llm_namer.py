"""The language-model namer phrases candidates in plain words, checks each answer, falls back to
the extractive name when an answer is not a name (or the server fails), and candidates.csv
records who named each candidate (``named_by``).

The real server is the lead's test server (tests/llm_server.py: ``transformers serve`` with the
Gemma 3 270M *base* model): its answers are poor, so the tests check the protocol, the
validation, the fallback and the audit trail, not the quality of the names. Each request takes
several seconds on a CPU, so only a few are sent (one per candidate of a three-candidate set).
"""

from __future__ import annotations

import json
from pathlib import Path

import api_server
import pandas as pd
import pytest

from nlp_jtbd.analysis import AnalysisFolder, AnalysisSettings
from nlp_jtbd.analysis.stages import synthesize_into
from nlp_jtbd.llm import ChatClient, LLMCoder, LLMNamer
from nlp_jtbd.llm.namer import check_name, majority_language, pick_quotes
from nlp_jtbd.synthesis import ExtractiveNamer, Members

PLANTED = Path(__file__).parent / "data" / "synthesis" / "planted.csv"

MEMBERS = Members(
    category="barrier",
    texts=(
        "Боялся, что при переносе старых записей что-нибудь потеряется.",
        "I was afraid we would lose years of records in the move.",
        "Страшно было, что данные за три года пропадут при переезде.",
        "Боялась, что база клиентов перепутается при переносе.",
    ),
    langs=("ru", "en", "ru", "ru"),
    similarity=(0.8, 0.7, 0.6, 0.5),
    customers=("c1", "c2", "c3", "c3"),
)


@pytest.mark.parametrize(
    ("answer", "lang", "name"),
    [
        ("Get invoices paid on time without chasing clients.", "en",
         "Get invoices paid on time without chasing clients"),
        ("Name: see how much money the business really has\nBecause…", "en",
         "See how much money the business really has"),
        ("Страх потерять старые записи при переносе", "ru",
         "Страх потерять старые записи при переносе"),
        ("Faturaları zamanında tahsil etmek", "tr", "Faturaları zamanında tahsil etmek"),
    ],
)  # fmt: skip
def test_a_plain_phrase_of_three_to_twenty_words_is_a_name(
    answer: str, lang: str, name: str
) -> None:
    assert check_name(answer, lang) == (name, "")


@pytest.mark.parametrize(
    ("answer", "lang", "why"),
    [
        ("", "en", "empty"),
        ("**Invoices paid on time**", "en", "markdown"),
        ('"Get invoices paid on time"', "en", "quotes"),
        ("- invoices\n- clients", "en", "list"),
        ("invoices · clients · reminders", "en", "markdown"),
        ("Invoices", "en", "1 words"),
        (" ".join(["word"] * 25), "en", "25 words"),
        ("Fear of losing old records", "ru", "language"),
        ("Страх потерять старые записи", "en", "language"),
    ],
)  # fmt: skip
def test_an_answer_that_is_not_a_plain_name_is_refused_with_a_reason(
    answer: str, lang: str, why: str
) -> None:
    name, reason = check_name(answer, lang)
    assert name == "" and why in reason


def test_the_prompt_carries_the_definition_and_quotes_of_different_customers() -> None:
    namer = LLMNamer(ChatClient("http://127.0.0.1:9", "m"))
    assert majority_language(MEMBERS) == "ru"
    quotes = pick_quotes(MEMBERS, "ru", 6)
    assert quotes[:2] == [MEMBERS.texts[0], MEMBERS.texts[2]]  # Russian first, closest first
    assert len(quotes) == 3  # c3 speaks twice and is quoted once
    system, user = namer.messages(MEMBERS, "ru")
    assert "in Russian" in system["content"] and "3 to 12 words" in system["content"]
    assert user["content"].startswith("Category: Barrier. Anything that stops or slows")
    assert all(f"- {q}" in user["content"] for q in quotes)


def test_a_server_that_fails_leaves_the_extractive_name_and_says_so() -> None:
    client = ChatClient(
        f"http://127.0.0.1:{api_server.free_port()}", "tiny", max_retries=0, timeout=2
    )
    namer = LLMNamer(client)
    name, named_by = namer.name_and_source(MEMBERS)
    assert (name, named_by) == (ExtractiveNamer().name(MEMBERS), "extractive")
    audit = namer.audit_.record()
    assert audit["asked"] == 1 and audit["accepted"] == 0
    assert audit["fell_back_to_extractive"] == 1
    assert audit["rejected"][0]["why"].startswith("server: ")


def test_the_synthesis_stage_names_with_the_model_and_records_who_named_each(
    llm_server_url: tuple[str, str], tmp_path: Path
) -> None:
    url, model = llm_server_url
    frame = pd.read_csv(PLANTED)
    frame = frame[frame["category"] == "barrier"].reset_index(drop=True)  # 3 candidates
    frame["utterance_id"] = [f"u{i:02d}" for i in range(len(frame))]
    frame["doc_id"] = "doc-" + frame["customer_id"]
    folder = AnalysisFolder(tmp_path / "analysis").create()
    codes = frame[["utterance_id", "category"]].rename(columns={"category": "label"})
    folder.write("predictions", codes.assign(coder="model"))
    coder = LLMCoder(url, model, "jtbd5", llm_timeout=600, llm_retries=0)
    namer = LLMNamer.from_coder(coder, max_tokens=16)
    synthesize_into(folder, frame, AnalysisSettings(), namer=namer, cache_dir=tmp_path / "cache")
    candidates = pd.read_csv(folder.path("candidates"), keep_default_na=False)
    assert len(candidates) == 3
    assert set(candidates["named_by"]) <= {f"llm:{model}", "extractive"}
    for row in candidates.itertuples():
        # the model's answer passed the checks, or the extractive name stands
        assert check_name(row.name, "und") == (row.name, ""), row.named_by
    summary = json.loads(folder.path("summary").read_text("utf-8"))["synthesis"]
    audit = summary["naming"]
    assert audit["namer"] == f"llm:{model}" and audit["asked"] == 3
    assert audit["accepted"] + audit["fell_back_to_extractive"] == 3
    assert audit["accepted"] == int((candidates["named_by"] == f"llm:{model}").sum())
    assert len(audit["rejected"]) == audit["fell_back_to_extractive"]
    assert summary["named_by"] == candidates["named_by"].value_counts().to_dict()
