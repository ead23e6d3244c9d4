"""Benchmark: one `jtbd ingest` over good files mixed with every bad file of the ingestion issue.

Builds the folder with ``tests/bad_inputs.py`` (a DOCX zip bomb at real size, about 1 MB that
inflates to 300 MB of XML; billion laughs; broken and malformed DOCX/XLSX; 100,000-deep JSON;
random bytes; UTF-16 without BOM; a 10 MB unpunctuated line), runs ``jtbd ingest`` on it in a
fresh process and records wall time, the child's peak RSS, the exit code and what was read.
Targets: under 60 s and under 1.5 GB, every good file written, every bad file reported, exit 1.

    python bench/bad_files.py --record
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _record import record_block

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
import bad_inputs  # noqa: E402


def run(folder: Path, bomb_mb: int, long_line_mb: int) -> dict[str, object]:
    good = bad_inputs.write_good_files(folder / "in")
    expected = bad_inputs.write_bad_files(folder / "in", bomb_mb, long_line_mb)
    bomb = folder / "in" / "bad" / "zip_bomb.docx"
    out = folder / "utterances.parquet"
    env = {**os.environ, "JTBD_CACHE_DIR": str(folder / "cache")}
    command = [sys.executable, "-m", "nlp_jtbd.cli", "ingest", str(folder / "in")]
    started = time.perf_counter()
    proc = subprocess.run(
        [*command, "--out", str(out), "--json"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        cwd=REPO,
    )
    wall = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if proc.returncode not in (0, 1):
        raise SystemExit(f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    report = json.loads(proc.stdout)
    errors = {
        Path(p["path"]).name for p in report["problems"] if p.get("severity", "error") == "error"
    }
    bad = {name for name, words in expected.items() if words}
    import pandas as pd

    written = {Path(p).name for p in pd.read_parquet(out, columns=["source_path"]).source_path}
    return {
        "files": len(good) + len(expected),
        "good": len(good) + len(expected) - len(bad),
        "bad": len(bad),
        "bomb": f"{bomb.stat().st_size / 2**20:.1f} MB → {bomb_mb} MB",
        "written": len(written),
        "reported": len(errors & bad),
        "unexpected": sorted((errors - bad) | (bad - errors)),
        "utterances": report["utterances"],
        "exit": proc.returncode,
        "seconds": wall,
        "peak_rss_mb": peak_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bomb-mb", type=int, default=300, help="XML the zip bomb inflates to")
    parser.add_argument("--long-line-mb", type=int, default=10)
    parser.add_argument("--record", action="store_true", help="update BENCHMARKS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jtbd-bad-") as tmp:
        result = run(Path(tmp), args.bomb_mb, args.long_line_mb)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if args.record:
        record(result)


def record(r: dict[str, object]) -> None:
    lines = [
        "| files (good + bad) | zip bomb | written | bad reported | utterances | exit "
        "| wall time | peak RSS |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {r['files']} ({r['good']} + {r['bad']}) | {r['bomb']} | {r['written']} "
        f"| {r['reported']} of {r['bad']} | {r['utterances']:,} | {r['exit']} "
        f"| {r['seconds']:.1f} s | {r['peak_rss_mb']:,.0f} MB |",
    ]
    record_block("bad_files", "\n".join(lines))


if __name__ == "__main__":
    main()
