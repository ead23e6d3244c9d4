"""Killing the server mid-analysis: after a restart the job is resumed and nothing is lost."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from conftest import EXAMPLES

ADMIN = "restart-admin"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(data: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "JTBD_ADMIN_KEY": ADMIN, "JTBD_DATA_DIR": str(data), "JTBD_WARMUP": "0"}
    if os.environ.get("JTBD_TEST_DATABASE_URL") is None:
        env.pop("JTBD_DATABASE_URL", None)
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "jtbd"), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("the server did not start")


@pytest.mark.slow
def test_a_server_killed_mid_analysis_resumes_it_after_a_restart(tmp_path: Path) -> None:
    port = _port()
    base = f"http://127.0.0.1:{port}"
    server = _serve(tmp_path, port)
    try:
        admin = {"Authorization": f"Bearer {ADMIN}"}
        key = httpx.post(f"{base}/v1/keys", json={"all_projects": True}, headers=admin).json()
        headers = {"Authorization": f"Bearer {key['key']}"}
        project = httpx.post(f"{base}/v1/projects", json={"name": "p"}, headers=headers).json()
        files = [
            ("files", (p.name, p.read_bytes()))
            for p in sorted((EXAMPLES / "interviews").iterdir())
            if p.suffix != ".csv"
        ]
        files.append(
            ("files", ("reviews.csv", (EXAMPLES / "reviews" / "reviews.csv").read_bytes()))
        )
        uploaded = httpx.post(
            f"{base}/v1/projects/{project['id']}/documents",
            files=files,
            headers=headers,
            timeout=120,
        ).json()
        analysis = httpx.post(
            f"{base}/v1/projects/{project['id']}/analyses", json={}, headers=headers
        ).json()["id"]
        deadline = time.monotonic() + 60
        while (
            httpx.get(f"{base}/v1/analyses/{analysis}", headers=headers).json()["status"]
            != "running"
        ):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        server.send_signal(signal.SIGKILL)  # no shutdown, no cleanup: a crash
        server.wait(timeout=30)
        server = _serve(tmp_path, port)
        deadline = time.monotonic() + 240
        while True:
            state = httpx.get(f"{base}/v1/analyses/{analysis}", headers=headers).json()
            if state["status"] in ("succeeded", "failed") or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert state["status"] == "succeeded", state
        assert state["attempts"] == 2
        docs = httpx.get(f"{base}/v1/projects/{project['id']}/documents", headers=headers).json()
        assert [(d["filename"], d["utterances"]) for d in docs] == [
            (d["filename"], d["utterances"]) for d in uploaded["documents"]
        ]
        clusters = httpx.get(f"{base}/v1/analyses/{analysis}/clusters", headers=headers).json()
        assert len(clusters) > 5
    finally:
        server.kill()
        server.wait(timeout=30)
