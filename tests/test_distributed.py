"""Reading files and embedding on a Dask cluster give exactly the local results
(LocalCluster, 2 single-threaded workers)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLES

from nlp_jtbd.embed import embed_texts, get_embedder
from nlp_jtbd.embed.distributed import DaskEmbedder, scheduler_address

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local.scheduler_address


def test_the_cluster_embeds_exactly_what_a_local_run_does(
    cluster: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Bit-identical needs the same thread count (float sums are order-dependent): the workers
    # have 1 thread each, so the local run gets 1 too. With different counts: within 2e-7.
    monkeypatch.setenv("JTBD_THREADS", "1")
    texts = pd.read_csv(EXAMPLES / "reviews" / "reviews.csv").text.tolist()
    local, _ = embed_texts(texts, get_embedder("use"), None, batch_size=16)
    remote_embedder = DaskEmbedder("use", cluster)
    remote, stats = embed_texts(texts, remote_embedder, None, batch_size=16)
    assert stats.embedded == len(set(texts))
    np.testing.assert_array_equal(remote, local)
    workers = remote_embedder.client.run(
        lambda: sorted(__import__("nlp_jtbd.embed.distributed").embed.distributed._WORKER_MODELS)
    )
    assert all(models == ["use"] for models in workers.values())  # loaded once per worker
    remote_embedder.client.close()


def test_discover_with_a_scheduler_matches_the_local_run(
    cluster: str,
    cli: Callable[..., tuple[int, str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JTBD_THREADS", "1")
    data = EXAMPLES / "reviews" / "reviews.csv"
    assert (
        cli("discover", data, "--out", tmp_path / "local", "--cache-dir", tmp_path / "c1", "-q")[0]
        == 0
    )
    code, _, stderr = cli(
        "discover",
        data,
        "--out",
        tmp_path / "dask",
        "--cache-dir",
        tmp_path / "c2",
        "--scheduler",
        cluster,
        "-q",
    )
    assert code == 0, stderr
    a = pd.read_csv(tmp_path / "local" / "assignments.csv")
    b = pd.read_csv(tmp_path / "dask" / "assignments.csv")
    pd.testing.assert_frame_equal(a, b)
    # Assignment on the cluster, from an empty cache: the same placement again.
    code, _, stderr = cli(
        "assign", data, "--model", tmp_path / "local" / "model", "--out", tmp_path / "placed.csv",
        "--cache-dir", tmp_path / "c3", "--scheduler", cluster, "-q",
    )  # fmt: skip
    assert code == 0, stderr
    placed = pd.read_csv(tmp_path / "placed.csv")
    pd.testing.assert_frame_equal(
        placed[["utterance_id", "cluster_id"]], a[["utterance_id", "cluster_id"]]
    )


def test_the_scheduler_comes_from_the_option_or_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("JTBD_DASK_SCHEDULER", raising=False)
    assert scheduler_address(None) is None
    monkeypatch.setenv("JTBD_DASK_SCHEDULER", "tcp://10.0.0.1:8786")
    assert scheduler_address(None) == "tcp://10.0.0.1:8786"
    assert scheduler_address("tcp://h:1") == "tcp://h:1"


def test_an_unreachable_scheduler_is_a_clear_error(
    cli: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    code, _, stderr = cli(
        "discover",
        EXAMPLES / "reviews" / "reviews.csv",
        "--out",
        tmp_path,
        "--cache-dir",
        tmp_path / "c",
        "--scheduler",
        "tcp://127.0.0.1:9",
    )
    assert code == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in stderr


def test_ingesting_many_files_on_the_cluster_equals_the_local_run(
    cluster: str,
    cli: Callable[..., tuple[int, str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Transcripts, a review table, a manifest, a duplicate transcript and a file that fails:
    # rows, problems, duplicate skipping and manifest use must all come out as locally.
    corpus = tmp_path / "corpus"
    shutil.copytree(EXAMPLES / "interviews", corpus / "interviews")
    shutil.copy(EXAMPLES / "reviews" / "reviews.csv", corpus / "reviews.csv")
    shutil.copy(corpus / "interviews" / "en_logistics_qa.txt", corpus / "interviews" / "copy.txt")
    (corpus / "broken.vtt").write_bytes(b"\x00\x01\x02 not a subtitle file")
    monkeypatch.chdir(tmp_path)  # relative paths: the workers read them from the same folder
    args = ["ingest", "corpus", "--meta", "corpus/interviews/manifest.csv", "--json"]
    local_code, local_out, _ = cli(*args, "--out", "local.parquet")
    dask_code, dask_out, stderr = cli(*args, "--out", "dask.parquet", "--scheduler", cluster)
    assert (local_code, dask_code) == (1, 1), stderr  # the broken file is reported, not fatal
    local_report, dask_report = json.loads(local_out), json.loads(dask_out)
    for report in (local_report, dask_report):
        report.pop("seconds"), report.pop("out")
    assert dask_report == local_report
    messages = [p["message"] for p in dask_report["problems"]]
    assert any("skipped as a duplicate" in m for m in messages)
    assert dask_report["files_failed"] == 1
    local, remote = pd.read_parquet("local.parquet"), pd.read_parquet("dask.parquet")
    assert len(local) > 100 and set(local["source_type"]) == {"interview", "review"}
    pd.testing.assert_frame_equal(remote, local)
