"""Benchmark: `POST /v1/classify` latency on a warm server, under 8 and 20 concurrent clients,
and `GET /v1/health` during a 5 MB upload.

Starts `jtbd serve` (uvicorn, one process) on a free loopback port with a temporary database,
waits for it to warm up, then: 300 sequential requests of one text each (a different text each
time: nothing is cached) → p50/p95/p99 latency; then, for each --clients count, that many
client threads posting one unseen text at a time for --seconds → requests, answers 200, answers
429/503 (the queue is full: the client is told when to retry), other errors, p50/p95/p99/max of
every request, throughput of the 200s; then a 5 MB transcript upload while a client polls
`/v1/health` every 50 ms → the slowest and median health answer.

Targets (issue 17): 8 clients p95 < 300 ms, p99 < 1 s, no errors; 20 clients no request over
5 s (429/503 allowed); health within 200 ms during the upload.

Usage: .venv/bin/python bench/api_latency.py [--seconds 20] [--clients 8 20] [--record]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from _record import record_block

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from api_server import serve  # the tests' real `jtbd serve` process

REPO = Path(__file__).resolve().parents[1]


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


def _hammer(
    base: str, headers: dict[str, str], texts: Iterator[str], clients: int, seconds: float
) -> list:
    """(status or 0 for a transport error, milliseconds) per request."""
    lock = threading.Lock()
    results: list[tuple[int, float]] = []
    deadline = time.perf_counter() + seconds

    def client_loop() -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            while time.perf_counter() < deadline:
                with lock:
                    text = next(texts)
                t = time.perf_counter()
                try:
                    status = client.post("/v1/classify", json={"texts": [text]}).status_code
                except httpx.HTTPError:
                    status = 0
                with lock:
                    results.append((status, (time.perf_counter() - t) * 1000))

    threads = [threading.Thread(target=client_loop) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _health_during_upload(base: str, headers: dict[str, str]) -> tuple[list[float], float, int]:
    """(health latencies in ms, upload seconds, upload status) for a 5 MB transcript."""
    turns = [
        f"Interviewer: What happened in week {i}?\n"
        f"Respondent: In week {i} we copied orders by hand again, and two of them were lost.\n"
        for i in range(40_000)
    ]
    content = "".join(turns).encode()[: 5 * 10**6]
    project = httpx.post(f"{base}/v1/projects", json={"name": "big"}, headers=headers).json()
    result: dict[str, object] = {}

    def send() -> None:
        t = time.perf_counter()
        response = httpx.post(
            f"{base}/v1/projects/{project['id']}/documents",
            files=[("files", ("long.txt", content))],
            headers=headers,
            timeout=900,
        )
        result["seconds"], result["status"] = time.perf_counter() - t, response.status_code

    uploading = threading.Thread(target=send)
    uploading.start()
    waits = []
    with httpx.Client(base_url=base, timeout=60) as client:
        while uploading.is_alive():
            t = time.perf_counter()
            client.get("/v1/health")
            waits.append((time.perf_counter() - t) * 1000)
            time.sleep(0.05)
    uploading.join()
    return waits, float(result["seconds"]), int(result["status"])


def _row(label: str, results: list[tuple[int, float]], seconds: float) -> str:
    times = [ms for _, ms in results]
    ok = sum(1 for status, _ in results if status == 200)
    busy = sum(1 for status, _ in results if status in (429, 503))
    errors = len(results) - ok - busy
    return (
        f"| {label} | {len(results)} | {ok} | {busy} | {errors} | "
        f"{statistics.median(times):.0f} ms | {_pct(times, 0.95):.0f} ms | "
        f"{_pct(times, 0.99):.0f} ms | {max(times):.0f} ms | {ok / seconds:.0f} req/s |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 20])
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory() as data,
        serve(Path(data), wait=180, JTBD_WARMUP="1") as served,
    ):
        startup = time.perf_counter() - started
        base, headers = served.base, served.key()
        texts = iter(_texts(1_000_000))
        latencies = []
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            for _ in range(300):
                t = time.perf_counter()
                response = client.post("/v1/classify", json={"texts": [next(texts)]})
                latencies.append((time.perf_counter() - t) * 1000)
                response.raise_for_status()
        loads = {n: _hammer(base, headers, texts, n, args.seconds) for n in args.clients}
        waits, upload_s, upload_status = _health_during_upload(base, headers)
    lines = [
        f"Server start-up to first healthy answer (model warm-up included): {startup:.1f} s.",
        "",
        "| load | requests | 200 | 429/503 | errors | p50 | p95 | p99 | max | throughput |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        _row(
            "1 client, sequential, 1 text per request",
            [(200, ms) for ms in latencies],
            sum(latencies) / 1000,
        ),
        *(
            _row(f"{n} concurrent clients, {args.seconds:g} s", results, args.seconds)
            for n, results in loads.items()
        ),
        "",
        f"`GET /v1/health` during a 5 MB transcript upload ({upload_s:.1f} s, answered "
        f"{upload_status}): {len(waits)} polls, median {statistics.median(waits):.1f} ms, "
        f"p95 {_pct(waits, 0.95):.1f} ms, slowest {max(waits):.1f} ms.",
    ]
    print("\n".join(lines))
    if args.record:
        record_block("api_latency", "\n".join(lines))


if __name__ == "__main__":
    main()
