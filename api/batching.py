"""Classification off the event loop, in micro-batches, with a bounded queue.

One worker thread runs the classifiers: each time it is free it takes every waiting request
(up to :data:`BATCH_TEXTS` texts) and codes them in one call per model, so 20 clients that send
one text each cost one embedding batch, not 20 competing ones. The queue holds at most
``capacity`` requests: past that a request is refused at once with 429 and ``Retry-After``; a
request that waited ``max_wait_s`` without being served gets 503 and ``Retry-After`` (the
service is saturated; the client retries later instead of waiting without bound).
"""

from __future__ import annotations

import asyncio
import logging
import math
import queue
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field, fields

from api.problems import Problem
from api.trained import ClassifierCache

BATCH_TEXTS = 256
log = logging.getLogger("nlp_jtbd.api.classify")


@dataclass
class _Request:
    model: str
    texts: list[str]
    contexts: list[str] | None
    future: Future = field(default_factory=Future)


class ClassifyQueue:
    """The classify worker (see the module); :meth:`classify` awaits one request's coding."""

    def __init__(self, classifiers: ClassifierCache, capacity: int, max_wait_s: float) -> None:
        self.classifiers = classifiers
        self.capacity, self.max_wait_s = capacity, max_wait_s
        self._queue: queue.Queue[_Request | None] = queue.Queue()
        self._waiting = 0
        self._lock = threading.Lock()
        self._seconds_per_batch = 0.05
        self._thread: threading.Thread | None = None

    def _ensure_worker(self) -> None:
        """Start the worker thread (again, after a shutdown: an app's lifespan may end and
        start again in one process, as test clients do)."""
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._work, name="jtbd-classify", daemon=True)
            self._thread.start()

    def retry_after(self) -> str:
        """Seconds until the queue has likely drained (at least 1), for ``Retry-After``."""
        batches = max(1, self._waiting * 4 // BATCH_TEXTS + 1)
        return str(max(1, math.ceil(batches * self._seconds_per_batch)))

    async def classify(self, model: str, texts: list[str], contexts: list[str] | None):  # noqa: ANN201
        """``(classifier, coding)`` of ``texts``; 429 when the queue is full, 503 when the
        request waited ``max_wait_s``."""
        with self._lock:
            if self._waiting >= self.capacity:
                raise Problem(
                    429,
                    "Too many requests",
                    f"{self._waiting} classify requests are waiting; the queue holds "
                    f"{self.capacity} (JTBD_CLASSIFY_QUEUE)",
                    "retry after the seconds in Retry-After, or send more texts per request",
                    headers={"Retry-After": self.retry_after()},
                )
            self._waiting += 1
            self._ensure_worker()
        request = _Request(model, texts, contexts)
        self._queue.put(request)
        try:
            return await asyncio.wait_for(
                asyncio.shield(asyncio.wrap_future(request.future)), self.max_wait_s
            )
        except TimeoutError:
            if request.future.cancel():  # not started: it never runs
                raise Problem(
                    503,
                    "Service unavailable",
                    f"the classifier is saturated: the request waited {self.max_wait_s:g} s "
                    "(JTBD_CLASSIFY_WAIT_S)",
                    "retry after the seconds in Retry-After",
                    headers={"Retry-After": self.retry_after()},
                ) from None
            return await asyncio.wrap_future(request.future)  # running: it ends soon

    def shutdown(self) -> None:
        """Stop the worker once it has answered what is queued."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                self._queue.put(None)
                self._thread = None

    # -- the worker thread ------------------------------------------------------------------
    def _work(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            try:
                self._batch(first)
            except Exception:  # the worker outlives any one batch
                log.exception("a classify batch failed")

    def _batch(self, first: _Request) -> None:
        """Run ``first`` and every request waiting behind it, up to :data:`BATCH_TEXTS`."""
        batch, texts = [first], len(first.texts)
        while texts < BATCH_TEXTS:
            try:
                more = self._queue.get_nowait()
            except queue.Empty:
                break
            if more is None:
                self._queue.put(None)
                break
            batch.append(more)
            texts += len(more.texts)
        started = [r for r in batch if r.future.set_running_or_notify_cancel()]
        with self._lock:
            self._waiting -= len(batch)
        groups: dict[tuple[str, bool], list[_Request]] = {}
        for request in started:
            groups.setdefault((request.model, request.contexts is None), []).append(request)
        begun = time.perf_counter()
        for (model, _), requests in groups.items():
            self._run(model, requests)
        self._seconds_per_batch = 0.8 * self._seconds_per_batch + 0.2 * (
            time.perf_counter() - begun
        )

    def _run(self, model_name: str, requests: list[_Request]) -> None:
        try:
            model = self.classifiers.get(model_name)
            texts = [t for r in requests for t in r.texts]
            contexts = None
            if requests[0].contexts is not None:
                contexts = [c for r in requests for c in r.contexts or ()]
            coding = model.decide(texts, contexts)
        except Exception as exc:  # every waiting request gets the error
            for request in requests:
                _settle(request.future, exception=exc)
            return
        start = 0
        for request in requests:
            stop = start + len(request.texts)
            part = type(coding)(*(getattr(coding, f.name)[start:stop] for f in fields(coding)))
            _settle(request.future, result=(model, part))
            start = stop


def _settle(future: Future, result: object = None, exception: Exception | None = None) -> None:
    """Complete ``future``; a caller that has gone away (its event loop closed) is no error."""
    try:
        if exception is not None:
            future.set_exception(exception)
        else:
            future.set_result(result)
    except Exception:  # InvalidStateError, or RuntimeError from a closed loop's callback
        log.debug("a classify caller left before its answer", exc_info=True)


__all__ = ["BATCH_TEXTS", "ClassifyQueue"]
