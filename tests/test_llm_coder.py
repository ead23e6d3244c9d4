"""The language-model coder speaks the OpenAI chat protocol to a real server process on
loopback (``transformers serve`` with Gemma 3 270M, see tests/llm_server.py). That model is a
base model: its codes are poor, so these tests check the protocol, the parsing, retries,
time-outs and the audit trail, not the quality of its codes."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import api_server
import pandas as pd
import pytest

from nlp_jtbd.codebook import load_codebook
from nlp_jtbd.errors import ServiceError, UsageError
from nlp_jtbd.llm import ChatClient, LLMCoder, parse_label
from nlp_jtbd.llm.prompt import messages_for

BOOK = load_codebook("jtbd5")


def test_answers_are_read_as_codebook_labels() -> None:
    assert parse_label("main_job", BOOK) == "main_job"
    assert parse_label(" Barrier.", BOOK) == "barrier"
    assert parse_label('{"label": "big job"}', BOOK) == "big_job"
    assert parse_label("This is a context or trigger", BOOK) == "trigger"
    assert parse_label("subtask, or maybe main job", BOOK) == "subtask"
    assert parse_label("I cannot tell", BOOK) is None


def test_the_prompt_carries_every_definition_and_examples_in_the_utterance_language() -> None:
    messages = messages_for(BOOK, "Страшно было переносить базу.", "Что мешало?", "ru", 1)
    system = messages[0]["content"]
    assert all(label.definition.strip()[:40] in system for label in BOOK.labels)
    assert messages[-1]["content"].startswith("Interviewer asked: Что мешало?")
    examples = [m["content"] for m in messages[1:-1] if m["role"] == "user"]
    assert len(examples) == len(BOOK.labels)  # one example of each label
    assert all(any("а" <= ch <= "я" for ch in text.lower()) for text in examples)
    answers = [m["content"] for m in messages[1:-1] if m["role"] == "assistant"]
    assert set(answers) <= set(BOOK.names)


def test_an_unreachable_server_is_retried_then_reported() -> None:
    client = ChatClient(
        f"http://127.0.0.1:{api_server.free_port()}", "m", max_retries=2, backoff=0.05
    )
    started = time.perf_counter()
    with pytest.raises(ServiceError, match="failed after 3 attempts: cannot connect") as error:
        client.chat([{"role": "user", "content": "hi"}])
    assert time.perf_counter() - started >= 0.05 + 0.1
    assert "`llm_url`" in error.value.fix


def test_only_http_addresses_are_servers() -> None:
    with pytest.raises(UsageError, match="`llm_url` must be an http"):
        ChatClient("file:///etc/passwd", "m")


def test_a_real_server_codes_with_the_codebook_prompt(llm_server_url) -> None:
    url, model = llm_server_url
    coder = LLMCoder(url, model, "jtbd5", examples_per_label=0, llm_timeout=600).fit()
    coding = coder.code(
        ["We were afraid the new app would lose our customer history.", "Yeah."],
        ["What almost stopped you?", None],
        ["en", "en"],
    )
    assert len(coding.labels) == len(coding.answers) == 2
    assert all(label is None or label in BOOK.names for label in coding.labels)
    assert all(isinstance(answer, str) and len(answer) <= 200 for answer in coding.answers)
    assert coding.seconds > 0


def test_classify_with_a_language_model_records_who_decided_each_code(
    llm_server_url, tmp_path
) -> None:
    url, model = llm_server_url
    utterances = pd.DataFrame(
        {
            "utterance_id": ["u1", "u2", "u3"],
            "text": [
                "Honestly I was scared my accountant would hate a new system.",
                "Mm-hm.",
                "I just want the invoices to go out without me chasing anyone.",
            ],
            "speaker": ["Ann", "Ann", "Ann"],
            "role": ["respondent"] * 3,
        }
    )
    source = tmp_path / "utterances.csv"
    utterances.to_csv(source, index=False)
    out = tmp_path / "codes.csv"
    command = [sys.executable, "-m", "nlp_jtbd.cli", "classify", str(source), "--out", str(out)]
    command += ["--llm-url", url, "--llm-model", model, "--llm-mode", "all", "--json"]
    command += ["--llm-timeout", "600"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    codes = pd.read_csv(out, dtype=str, keep_default_na=False).set_index("utterance_id")
    # the fragment is decided by the codebook's rule and never sent to the language model
    assert codes.loc["u2", "coder"] == "rule:fragment" and codes.loc["u2", "llm_label"] == ""
    assert summary["llm"]["asked"] == 2 and summary["llm"]["mode"] == "all"
    assert summary["llm"]["coder"] == f"llm:{model}"
    asked = codes.loc[["u1", "u3"]]
    assert (asked["llm_answer"] != "").all()
    named = asked[asked["llm_label"] != ""]
    assert len(named) == summary["llm"]["named_a_label"] >= 1
    assert (named["coder"] == f"llm:{model}").all() and (named["label"] == named["llm_label"]).all()
    assert set(codes["model_label"]) <= set(BOOK.names)
    assert summary["coders"][f"llm:{model}"] == len(named)
    # model-vs-model agreement is one command over the two label columns
    command = [sys.executable, "-m", "nlp_jtbd.cli", "agreement", str(out)]
    command += ["--columns", "model_label,llm_label"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["n"] == len(named) and "kappa" in report


def test_a_missing_route_is_refused_at_once(llm_server_url) -> None:
    url, model = llm_server_url
    client = ChatClient(f"{url}/not-here", model, max_retries=3, backoff=5.0)
    started = time.perf_counter()
    with pytest.raises(ServiceError, match="refused the request"):
        client.chat([{"role": "user", "content": "hi"}])
    assert time.perf_counter() - started < 5.0  # not retried


def test_a_server_that_does_not_answer_in_time_is_retried_then_reported(llm_server_url) -> None:
    url, model = llm_server_url
    client = ChatClient(url, model, timeout=0.01, max_retries=1, backoff=0.01)
    messages = [{"role": "user", "content": "Code: we switched because the old tool crashed."}]
    with pytest.raises(ServiceError, match=r"after 2 attempts: no answer within 0.01 s"):
        client.chat(messages, max_tokens=2)  # a short request: the server's leftover work
