"""The FastAPI application: ``create_app()`` wires settings, storage, jobs and routers."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api import problems
from api.db import Database
from api.jobs import JobRunner
from api.routers import analyses, classify, codebooks, models, projects, system
from api.settings import Settings
from nlp_jtbd import __version__


def _classifier_cache(db: Database, data_dir: Path) -> Callable[[str | None], object]:
    """Trained models by name (shipped) or id (trained here), loaded once, shared."""
    from api.trained import is_stored_model, materialise
    from nlp_jtbd.classify import load_classifier

    cache: dict[str | None, object] = {}
    lock = threading.Lock()

    def get(name: str | None) -> object:
        with lock:
            if name not in cache:
                source: str | Path | None = name
                if is_stored_model(name):
                    with db.sessions() as session:
                        source = materialise(session, name, data_dir)
                cache[name] = load_classifier(source)
            return cache[name]

    return get


def _warm_up(app: FastAPI) -> None:
    """Load the default model, embed once and compile UMAP/HDBSCAN's numba code (from the
    on-disk cache after the first start), so neither the first request nor the first
    analysis pays for it."""
    import numpy as np

    from nlp_jtbd.discover.cluster import HDBSCANClusterer
    from nlp_jtbd.discover.reduce import UMAPReducer

    model = app.state.classifier(None)
    model.predict_proba(["warm-up"], [""])
    points = np.random.default_rng(0).normal(size=(60, 16)).astype(np.float32)
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    HDBSCANClusterer().fit(UMAPReducer(random_state=0).fit_transform(points))


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.warmup:
            _warm_up(app)
        app.state.jobs.recover()
        yield
        app.state.jobs.shutdown()
        app.state.db.engine.dispose()

    app = FastAPI(
        title="nlp_jtbd",
        version=__version__,
        summary="Jobs-To-Be-Done evidence from customer interviews, reviews and forum posts.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = Database(settings.url())
    app.state.jobs = JobRunner(app.state.db.sessions, settings.workers, settings.data_dir)
    app.state.classifier = _classifier_cache(app.state.db, settings.data_dir)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["*"],
        )
    problems.install(app)
    for module in (system, projects, analyses, classify, codebooks, models):
        app.include_router(module.router)
    return app
