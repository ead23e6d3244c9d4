"""Benchmark: `POST /v1/classify` latency on a warm server, and 20 concurrent clients.

Starts `jtbd serve` (uvicorn, one process) on a free loopback port with a temporary database,
waits for it to warm up, then: 300 sequential requests of one text each (a different text each
time, so the embedding cache does not answer) → p50/p95/p99 latency; then 20 client threads
posting one text at a time for --seconds → requests, errors, throughput, p95.

Usage: .venv/bin/python bench/api_latency.py [--seconds 30] [--record]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from _record import record_block

REPO = Path(__file__).resolve().parents[1]
ADMIN = "bench-admin"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _texts(n: int) -> list[str]:
    import csv

    rows = []
    for path in sorted((REPO / "annotation_guides" / "examples" / "jtbd5").glob("*.csv")):
        with path.open(encoding="utf-8") as handle:
            rows += [r["text"] for r in csv.DictReader(handle)]
    return [f"{rows[i % len(rows)]} ({i})" for i in range(n)]


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    port = _free_port()
    with tempfile.TemporaryDirectory() as data:
        env = {
            **os.environ,
            "JTBD_ADMIN_KEY": ADMIN,
            "JTBD_DATA_DIR": data,
            "JTBD_CACHE_DIR": str(Path(data) / "cache"),
        }
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "jtbd"), "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            started = time.perf_counter()
            while True:
                try:
                    if httpx.get(f"{base}/v1/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.perf_counter() - started > 180:
                    raise SystemExit("the server did not start")
                time.sleep(0.2)
            startup = time.perf_counter() - started
            key = httpx.post(
                f"{base}/v1/keys",
                json={"all_projects": True},
                headers={"Authorization": f"Bearer {ADMIN}"},
            ).json()["key"]
            headers = {"Authorization": f"Bearer {key}"}
            texts = _texts(300 + 100_000)
            latencies = []
            with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
                for text in texts[:300]:
                    t = time.perf_counter()
                    response = client.post("/v1/classify", json={"texts": [text]})
                    latencies.append((time.perf_counter() - t) * 1000)
                    response.raise_for_status()
            counter = iter(texts[300:])
            lock = threading.Lock()
            stats = {"ok": 0, "errors": 0}
            busy: list[float] = []
            deadline = time.perf_counter() + args.seconds

            def client_loop() -> None:
                with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
                    while time.perf_counter() < deadline:
                        with lock:
                            text = next(counter)
                        t = time.perf_counter()
                        try:
                            ok = (
                                client.post("/v1/classify", json={"texts": [text]}).status_code
                                == 200
                            )
                        except httpx.HTTPError:
                            ok = False
                        with lock:
                            stats["ok" if ok else "errors"] += 1
                            busy.append((time.perf_counter() - t) * 1000)

            threads = [threading.Thread(target=client_loop) for _ in range(args.clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            server.terminate()
            server.wait(timeout=30)
    total = stats["ok"] + stats["errors"]
    lines = [
        f"Server start-up to first healthy answer (model warm-up included): {startup:.1f} s.",
        "",
        "| load | requests | errors | p50 | p95 | p99 | throughput |",
        "|---|---:|---:|---:|---:|---:|---:|",
        f"| 1 client, sequential, 1 text per request | 300 | 0 | "
        f"{statistics.median(latencies):.1f} ms | {_pct(latencies, 0.95):.1f} ms | "
        f"{_pct(latencies, 0.99):.1f} ms | {300 / (sum(latencies) / 1000):.0f} req/s |",
        f"| {args.clients} concurrent clients, {args.seconds:g} s | {total} | "
        f"{stats['errors']} | {statistics.median(busy):.1f} ms | {_pct(busy, 0.95):.1f} ms | "
        f"{_pct(busy, 0.99):.1f} ms | {total / args.seconds:.0f} req/s |",
    ]
    print("\n".join(lines))
    if args.record:
        record_block("api_latency", "\n".join(lines))


if __name__ == "__main__":
    main()
