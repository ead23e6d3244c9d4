"""Embedding on a Dask distributed cluster: ``--scheduler tcp://HOST:PORT`` or
``$JTBD_DASK_SCHEDULER``.

The texts still to embed (after the local cache) are cut into the same batches as a local run;
each batch is a task, each worker loads the model once (per process) and uses as many threads
as it has, and the vectors come back in order — identical to a local run's.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence

import numpy as np

from nlp_jtbd.embed.backends import Embedder, get_embedder
from nlp_jtbd.errors import UsageError

_WORKER_MODELS: dict[str, Embedder] = {}


def scheduler_address(option: str | None = None) -> str | None:
    """The scheduler from the option, else ``$JTBD_DASK_SCHEDULER``, else None (run locally)."""
    return option or os.environ.get("JTBD_DASK_SCHEDULER") or None


def _encode_on_worker(spec: str, texts: list[str]) -> np.ndarray:
    """Runs on a worker: the model is loaded on the first task and kept for the next ones."""
    model = _WORKER_MODELS.get(spec)
    if model is None:
        try:
            from distributed import get_worker

            worker = get_worker()
            threads = getattr(getattr(worker, "state", worker), "nthreads", 1)
        except (ImportError, ValueError):
            threads = 1
        os.environ["JTBD_THREADS"] = str(max(1, threads))
        if spec.startswith("st:"):
            import torch

            torch.set_num_threads(max(1, threads))
        model = _WORKER_MODELS[spec] = get_embedder(spec)
    return model.encode(texts)


class DaskEmbedder:
    """An :class:`Embedder` whose batches run as tasks on a Dask cluster."""

    def __init__(self, spec: str, scheduler: str | object) -> None:
        self.spec = spec
        self.local = get_embedder(spec)  # same key and settings as a local run
        self.key = self.local.key
        self.duplicate_similarity = self.local.duplicate_similarity
        self._scheduler = scheduler
        self._client = None

    @property
    def client(self):  # noqa: ANN201 - distributed.Client
        if self._client is None:
            try:
                from distributed import Client
            except ImportError as exc:
                raise UsageError(
                    "Dask is not installed", fix="pip install 'nlp_jtbd[dask]'"
                ) from exc
            if isinstance(self._scheduler, Client):
                self._client = self._scheduler
            else:
                try:
                    self._client = Client(self._scheduler, timeout="20s")
                except OSError as exc:
                    raise UsageError(
                        f"cannot reach the Dask scheduler at {self._scheduler}: {exc}",
                        fix="start it (dask scheduler; dask worker ADDRESS) or drop --scheduler",
                    ) from exc
        return self._client

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return next(self.encode_batches([list(texts)]))[1]

    def encode_batches(self, batches: list[list[str]]) -> Iterator[tuple[int, np.ndarray]]:
        """``(batch index, vectors)`` as the workers finish them."""
        from distributed import as_completed

        futures = self.client.map(
            _encode_on_worker, [self.spec] * len(batches), batches, pure=False
        )
        index = {future.key: i for i, future in enumerate(futures)}
        for future in as_completed(futures):
            yield index[future.key], future.result()


def embedder_for(spec: str, scheduler: str | object | None) -> Embedder:
    """The local embedder, or its Dask twin when a scheduler is given."""
    return DaskEmbedder(spec, scheduler) if scheduler else get_embedder(spec)
