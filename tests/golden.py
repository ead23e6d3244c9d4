"""The golden snapshot of `jtbd analyze --seed 42` on the bundled examples.

Taken at 8543be2, before the analysis engine moved out of the command line, and compared
exactly by ``test_analysis_golden.py`` with what ``jtbd analyze``, ``run_analysis`` and an API
analysis job write now. Only what varies from run to run is stripped: timings, dates, peak
memory, the folder's own path and the input paths (absolute paths under the repository are
written relative to it, as the snapshot's run named them).

Re-take it (only when a change of results is intended, and say so in the commit)::

    .venv/bin/python tests/golden.py ANALYSIS_DIR
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden" / "analyze_seed42"
# Stripped from summary.json: timings, dates, memory, and paths that name where it ran.
_VOLATILE_KEYS = {
    "created", "seconds", "peak_rss_mb", "peak_rss_mb_after", "input", "inputs",
    "embedded", "embeddings_from_cache",
}  # fmt: skip
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?([+-]\d{4})?")
_VOLATILE_ROW = re.compile(r"<tr><th>[^<]*(seconds|peak rss)[^<]*</th><td>[^<]*</td></tr>")


def _strip(value: object) -> object:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in _VOLATILE_KEYS}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def snapshot(folder: Path) -> dict[str, str]:
    """Every deterministic file of an analysis folder, as text, by name."""
    folder = Path(folder)
    files: dict[str, str] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".csv":
            files[path.name] = path.read_text("utf-8")
        elif path.name == "utterances.parquet":
            files["utterances.csv"] = pd.read_parquet(path).to_csv(index=False)
        elif path.name == "summary.json":
            summary = _strip(json.loads(path.read_text("utf-8")))
            if isinstance(summary.get("analyze"), dict):
                summary["analyze"].pop("metrics", None)  # a path
            files[path.name] = json.dumps(summary, ensure_ascii=False, indent=2) + "\n"
        elif path.suffix == ".json":
            files[path.name] = path.read_text("utf-8")
        elif path.name == "report.html":
            html = path.read_text("utf-8")
            for name in {str(folder), str(folder.resolve())}:
                html = html.replace(name, "ANALYSIS")
            html = html.replace(f"· {folder.name}<", "· ANALYSIS<")
            html = _VOLATILE_ROW.sub("", _DATE.sub("DATE", html))
            files["report.html"] = html
    model = folder / "model"
    if model.is_dir():
        files["model/model.json"] = (model / "model.json").read_text("utf-8")
        digests = {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(model.glob("*.npy"))
        }
        files["model/arrays.sha256.json"] = json.dumps(digests, indent=2) + "\n"
    return {name: text.replace(f"{REPO}/", "") for name, text in files.items()}


def golden() -> dict[str, str]:
    """The stored snapshot."""
    return {
        str(p.relative_to(GOLDEN)): p.read_text("utf-8")
        for p in sorted(GOLDEN.rglob("*"))
        if p.is_file()
    }


def differences(actual: dict[str, str], expected: dict[str, str]) -> list[str]:
    """What differs, file by file (first differing line of each), for an assertion message."""
    problems = [f"missing {name}" for name in sorted(set(expected) - set(actual))]
    problems += [f"unexpected {name}" for name in sorted(set(actual) - set(expected))]
    for name in sorted(set(actual) & set(expected)):
        if actual[name] != expected[name]:
            got, want = actual[name].splitlines(), expected[name].splitlines()
            line = next(
                (i for i, (a, b) in enumerate(zip(got, want, strict=False)) if a != b),
                min(len(got), len(want)),
            )
            seen = got[line][:200] if line < len(got) else "<end>"
            wanted = want[line][:200] if line < len(want) else "<end>"
            problems.append(f"{name} line {line + 1}: got {seen!r}, golden {wanted!r}")
    return problems


def write_golden(folder: Path) -> None:
    for name, text in snapshot(folder).items():
        path = GOLDEN / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")


if __name__ == "__main__":
    write_golden(Path(sys.argv[1]))
