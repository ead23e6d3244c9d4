"""The FastAPI application: ``create_app()`` wires settings, the database, the job runner,
the classifier cache and the routers (their dependencies are in ``api.deps``)."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api import problems, spec
from api.batching import ClassifyQueue
from api.db import Database
from api.guard import BodyGuard
from api.jobs import JobRunner
from api.routers import api_router
from api.settings import Settings
from api.trained import ClassifierCache
from nlp_jtbd import __version__
from nlp_jtbd.llm import LLMCoder


def _warm_up(app: FastAPI) -> None:
    """Load the default model, embed once and compile UMAP/HDBSCAN's numba code (from the
    on-disk cache after the first start), so neither the first request nor the first
    analysis pays for it."""
    import numpy as np

    from nlp_jtbd.discover.cluster import HDBSCANClusterer
    from nlp_jtbd.discover.reduce import UMAPReducer

    model = app.state.classifiers.get(None)
    model.predict_proba(["warm-up"], [""])
    points = np.random.default_rng(0).normal(size=(60, 16)).astype(np.float32)
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    HDBSCANClusterer().fit(UMAPReducer(random_state=0).fit_transform(points))


def language_model(settings: Settings) -> LLMCoder | None:
    """The language model that ``JTBD_LLM_URL``/``JTBD_LLM_MODEL`` name, asked about each
    analysis's unsure codes (or all of them, ``JTBD_LLM_MODE=all``) and naming its candidates;
    None when no server is configured. Callers never choose a server: that stays the
    operator's."""
    if not settings.llm_url:
        return None
    return LLMCoder(
        settings.llm_url,
        settings.llm_model or "",
        llm_mode=settings.llm_mode,
        api_key=settings.llm_key,
        llm_timeout=settings.llm_timeout,
    ).fit()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.warmup:
            _warm_up(app)
        # What is loaded now lives as long as the process: keep it out of the collector's
        # full passes, so collecting an upload's garbage does not pause every request.
        gc.freeze()
        app.state.jobs.recover()
        yield
        app.state.classify_queue.shutdown()
        app.state.jobs.shutdown()
        app.state.db.engine.dispose()

    app = FastAPI(
        title="nlp_jtbd",
        version=__version__,
        summary="Jobs-To-Be-Done evidence from customer interviews, reviews and forum posts.",
        lifespan=lifespan,
        generate_unique_id_function=spec.operation_id,
    )
    app.state.settings = settings
    app.state.db = Database(settings.url())
    app.state.jobs = JobRunner(
        app.state.db.sessions,
        settings.data_dir,
        settings.workers,
        settings.cache_max_vectors,
        llm=language_model(settings),
    )
    app.state.classifiers = ClassifierCache(app.state.db.sessions, settings.data_dir)
    app.state.classify_queue = ClassifyQueue(
        app.state.classifiers, settings.classify_queue, settings.classify_wait_s
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
        )
    app.add_middleware(BodyGuard, max_bytes=settings.max_request_bytes)
    problems.install(app)
    app.include_router(api_router)
    spec.install(app)  # the OpenAPI document: problem+json errors, binary uploads
    return app
