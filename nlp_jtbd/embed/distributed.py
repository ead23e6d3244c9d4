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
from nlp_jtbd.scheduler import connect, ordered_map, scheduler_address, worker_threads

__all__ = ["DaskEmbedder", "embedder_for", "scheduler_address"]

_WORKER_MODELS: dict[str, Embedder] = {}


def _encode_on_worker(spec: str, texts: list[str]) -> np.ndarray:
    """Runs on a worker: the model is loaded on the first task and kept for the next ones."""
    model = _WORKER_MODELS.get(spec)
    if model is None:
        threads = worker_threads()
        os.environ["JTBD_THREADS"] = str(threads)
        if spec.startswith("st:"):
            import torch

            torch.set_num_threads(threads)
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
            self._client = connect(self._scheduler)
        return self._client

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return next(self.encode_batches([list(texts)]))[1]

    def encode_batches(self, batches: list[list[str]]) -> Iterator[tuple[int, np.ndarray]]:
        """``(batch index, vectors)`` in order, a bounded number of batches in flight."""
        items = ((self.spec, batch) for batch in batches)
        yield from enumerate(ordered_map(self.client, _encode_on_worker, items))


def embedder_for(spec: str, scheduler: str | object | None) -> Embedder:
    """The local embedder, or its Dask twin when a scheduler is given."""
    return DaskEmbedder(spec, scheduler) if scheduler else get_embedder(spec)
