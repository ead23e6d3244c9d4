"""The service's language model: the operator names one server (``JTBD_LLM_URL``,
``JTBD_LLM_MODEL``); every analysis then asks it about its codes and records who decided each
one. Callers never name a server, so the API cannot be turned into a proxy to other hosts."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from api_server import serve

BACKCHANNELS = ["Mm-hm.", "Yeah.", "Okay.", "Right.", "Uh-huh.", "Sure.", "Hmm.", "Yes.", "Mhm."]
INTERVIEW = (
    "Interviewer: What made you start looking for something new?\n"
    "Ann: Our bookkeeper quit in March and nobody could read her spreadsheets.\n"
    "Interviewer: What almost stopped you?\n"
    "Ann: Honestly I was scared my accountant would hate a new system.\n"
    + "".join(f"Interviewer: Go on.\nAnn: {word}\n" for word in BACKCHANNELS)
)  # ten answers to cluster; the backchannels are the codebook rule's, never the model's


def test_analyses_ask_the_configured_language_model_and_record_its_codes(
    llm_server_url, tmp_path: Path
) -> None:
    url, model = llm_server_url
    settings = {"JTBD_LLM_URL": url, "JTBD_LLM_MODEL": model, "JTBD_LLM_MODE": "all"}
    with serve(tmp_path, JTBD_LLM_TIMEOUT="600", **settings) as server:
        headers = server.key()
        base = f"{server.base}/v1"
        project = httpx.post(f"{base}/projects", json={"name": "p"}, headers=headers).json()
        files = [("files", ("ann.txt", INTERVIEW.encode()))]
        response = httpx.post(
            f"{base}/projects/{project['id']}/documents", files=files, headers=headers, timeout=60
        )
        assert response.status_code == 201, response.text
        started = httpx.post(
            f"{base}/projects/{project['id']}/analyses", json={}, headers=headers, timeout=60
        )
        assert started.status_code in (201, 202), started.text
        analysis = started.json()["id"]
        deadline = time.monotonic() + 1200
        while (state := httpx.get(f"{base}/analyses/{analysis}", headers=headers).json())[
            "status"
        ] not in ("succeeded", "failed"):
            assert time.monotonic() < deadline, state
            time.sleep(1)
        assert state["status"] == "succeeded", state.get("error")
        summary = httpx.get(f"{base}/analyses/{analysis}/summary", headers=headers).json()
        codes = httpx.get(
            f"{base}/analyses/{analysis}/predictions", params={"limit": 100}, headers=headers
        ).json()
    block = summary["language_model"]
    assert block["mode"] == "all" and block["coder"] == f"llm:{model}"
    assert block["asked"] == 2  # both statements; the backchannels are decided by the rule
    rows = codes["items"] if isinstance(codes, dict) else codes
    by_text = {row["text"]: row for row in rows}
    assert by_text["Mm-hm."]["coder"] == "rule:fragment"
    statement = by_text["Our bookkeeper quit in March and nobody could read her spreadsheets."]
    assert statement["llm_answer"] != "" and statement["model_label"] != ""
    named = [row for row in rows if row["llm_label"]]
    assert all(row["coder"] == f"llm:{model}" and row["label"] == row["llm_label"] for row in named)
    assert len(named) == block["named_a_label"]
    assert url not in str(summary)  # the operator's server address is not shown to callers


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"JTBD_LLM_URL": "http://127.0.0.1:9"}, "JTBD_LLM_MODEL"),  # a server, but no model
        ({"JTBD_LLM_URL": "ftp://127.0.0.1", "JTBD_LLM_MODEL": "m"}, "http(s) address"),
        ({"JTBD_LLM_MODE": "sometimes"}, "JTBD_LLM_MODE"),
        ({"JTBD_WORKERS": "two"}, "JTBD_WORKERS"),
    ],
)
def test_a_bad_setting_stops_the_service_with_a_message_naming_it(
    tmp_path: Path, settings: dict[str, str], named: str
) -> None:
    env = {**os.environ, "JTBD_DATA_DIR": str(tmp_path), **settings}
    if "JTBD_LLM_URL" in settings and "JTBD_LLM_MODEL" not in settings:
        env.pop("JTBD_LLM_MODEL", None)
    done = subprocess.run(
        [str(Path(sys.executable).parent / "jtbd"), "serve", "--port", "9"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert named in done.stderr and "Traceback" not in done.stderr
