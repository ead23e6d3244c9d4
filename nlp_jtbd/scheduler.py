"""Connecting to a Dask distributed cluster: ``--scheduler tcp://HOST:PORT`` or
``$JTBD_DASK_SCHEDULER``. Without one, everything runs in this process."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from nlp_jtbd.errors import UsageError

if TYPE_CHECKING:
    from distributed import Client

T = TypeVar("T")


def scheduler_address(option: str | None = None) -> str | None:
    """The scheduler from the option, else ``$JTBD_DASK_SCHEDULER``, else None (run locally)."""
    return option or os.environ.get("JTBD_DASK_SCHEDULER") or None


def connect(scheduler: str | Client) -> Client:
    """A ``distributed.Client`` for ``scheduler`` (an address, or a Client given as is)."""
    try:
        from distributed import Client
    except ImportError as exc:
        raise UsageError("Dask is not installed", fix="pip install 'nlp_jtbd[dask]'") from exc
    if isinstance(scheduler, Client):
        return scheduler
    try:
        return Client(scheduler, timeout="20s")
    except OSError as exc:
        raise UsageError(
            f"cannot reach the Dask scheduler at {scheduler}: {exc}",
            fix="start it (dask scheduler; dask worker ADDRESS) or leave out `scheduler`",
        ) from exc


@contextmanager
def session(scheduler: str | Client) -> Iterator[Client]:
    """A client for the length of a block, closed after it unless it was given as one."""
    client = connect(scheduler)
    try:
        yield client
    finally:
        if client is not scheduler:
            client.close()


def worker_threads() -> int:
    """Threads of the Dask worker this runs on (1 outside a worker)."""
    try:
        from distributed import get_worker

        worker = get_worker()
        return max(1, int(getattr(getattr(worker, "state", worker), "nthreads", 1)))
    except (ImportError, ValueError):
        return 1


def ordered_map(
    client: Client, function: Callable[..., T], items: Iterable[tuple[Any, ...]], window: int = 0
) -> Iterator[T]:
    """``function(*item)`` for every item as a task on the cluster, results in input order.

    At most ``window`` tasks are in flight (default: four per worker thread), so a long input
    never has all its results waiting in the cluster's memory at once; each result is released
    as soon as it has been handed over.
    """
    if window <= 0:
        window = max(4, 4 * sum(client.nthreads().values()))
    pending: deque[Any] = deque()
    for item in items:
        pending.append(client.submit(function, *item, pure=False))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
