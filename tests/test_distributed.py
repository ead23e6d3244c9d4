"""Embedding on a Dask cluster gives exactly the local results (LocalCluster, 2 workers)."""

from __future__ import annotations

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
