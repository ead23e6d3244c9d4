"""A real `jtbd serve` process on a free loopback port, for the tests where memory, blocking
and latency matter (the in-process TestClient hides all three)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ADMIN = "served-admin"


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(
    url: str, process: subprocess.Popen, seconds: float, interval: float = 0.2
) -> None:
    """Poll ``url`` until it answers 200; RuntimeError if ``process`` exits or ``seconds``
    pass first."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise RuntimeError(f"the server exited (code {process.returncode})")
        if time.monotonic() >= deadline:
            raise RuntimeError(f"the server did not answer {url} within {seconds:g} s")
        time.sleep(interval)


@dataclass
class Served:
    base: str
    process: subprocess.Popen

    def rss_mb(self) -> float:
        """The server process's resident memory now."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise AssertionError("no VmRSS")

    def key(self, **scope: object) -> dict[str, str]:
        admin = {"Authorization": f"Bearer {ADMIN}"}
        scope = scope or {"all_projects": True}
        response = httpx.post(f"{self.base}/v1/keys", json=scope, headers=admin, timeout=30)
        assert response.status_code == 201, response.text
        return {"Authorization": f"Bearer {response.json()['key']}"}


@contextmanager
def serve(data: Path, wait: float = 120.0, **env: str) -> Iterator[Served]:
    """Run `jtbd serve` on SQLite under ``data`` with ``JTBD_*`` settings ``env``; it must
    answer its health check within ``wait`` seconds."""
    port = free_port()
    environ = {
        **os.environ,
        "JTBD_ADMIN_KEY": ADMIN,
        "JTBD_DATA_DIR": str(data),
        "JTBD_CACHE_DIR": str(data / "default-cache"),
        "JTBD_WARMUP": "0",
        **env,
    }
    environ.pop("JTBD_DATABASE_URL", None)
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "jtbd"), "serve", "--port", str(port)],
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(f"{base}/v1/health", process, wait)
        yield Served(base, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
