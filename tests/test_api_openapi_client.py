"""A client generated from the committed OpenAPI spec walks the README's API flow.

``openapi-python-client`` generates a Python client from ``api/openapi.json`` (as committed,
no hand edits); the test drives a real ``jtbd serve`` process on loopback through that client
only — no hand-written HTTP: a key, a project, a transcript and a reviews CSV uploaded as files
(with the metadata manifest), metrics, an analysis waited for, its results, summary and report,
classify, the export, and errors whose problem+json ``detail`` reaches the caller."""

from __future__ import annotations

import importlib
import io
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from api_server import ADMIN, serve
from conftest import EXAMPLES, REPO

PACKAGE = "jtbd_client"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `jtbd serve` on loopback (SQLite in a fresh data folder); its base URL."""
    # No warm-up: the first classify loads the model, which is no reason for a 503.
    with serve(tmp_path_factory.mktemp("served"), JTBD_CLASSIFY_WAIT_S="120") as served:
        yield served.base


@pytest.fixture(scope="module")
def client_package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The client openapi-python-client generates from the committed spec, imported."""
    out = tmp_path_factory.mktemp("generated")
    config = out / "config.yaml"
    config.write_text(f"package_name_override: {PACKAGE}\npost_hooks: []\n")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(REPO / "api" / "openapi.json"),
            "--meta",
            "none",
            "--output-path",
            str(out / PACKAGE),
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # The generator warns about anything in the spec it could not turn into code.
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(out))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _api(name: str) -> ModuleType:
    """An operation's module of the generated client, e.g. ``projects.create_project``."""
    return importlib.import_module(f"{PACKAGE}.api.{name}")


def _file(path: Path) -> object:
    types = importlib.import_module(f"{PACKAGE}.types")
    return types.File(payload=io.BytesIO(path.read_bytes()), file_name=path.name)


@pytest.mark.slow
def test_a_generated_client_walks_the_readme_flow(server: str, client_package: ModuleType) -> None:
    models = importlib.import_module(f"{PACKAGE}.models")
    Problem = models.Problem

    anonymous = client_package.Client(base_url=server, raise_on_unexpected_status=True)
    health = _api("system.health").sync(client=anonymous)
    assert health.status == "ok"

    admin = client_package.AuthenticatedClient(
        base_url=server, token=ADMIN, raise_on_unexpected_status=True, timeout=120
    )
    created = _api("system.create_key").sync(
        client=admin, body=models.KeyRequest(all_projects=True)
    )
    assert isinstance(created, models.KeyCreated), created
    api = client_package.AuthenticatedClient(
        base_url=server, token=created.key, raise_on_unexpected_status=True, timeout=120
    )

    # A key that is not the admin's may not create keys: the reason reaches the caller.
    refused = _api("system.create_key").sync_detailed(
        client=api, body=models.KeyRequest(all_projects=True)
    )
    assert refused.status_code == 403
    assert isinstance(refused.parsed, Problem)
    assert "admin" in refused.parsed.detail

    project = _api("projects.create_project").sync(
        client=api, body=models.ProjectRequest(name="Q3 interviews")
    )
    assert isinstance(project, models.ProjectOut), project
    again = _api("projects.get_project").sync(project.id, client=api)
    # Created and read back, timestamps carry their zone and compare equal.
    assert again.created == project.created and again.created.tzinfo is not None

    transcript = EXAMPLES / "interviews" / "en_online_store.vtt"
    reviews = EXAMPLES / "reviews" / "reviews.csv"
    uploaded = _api("projects.upload_documents").sync(
        project.id,
        client=api,
        body=models.BodyUploadDocuments(
            files=[_file(transcript), _file(reviews)],
            meta=_file(EXAMPLES / "interviews" / "manifest.csv"),
        ),
    )
    assert isinstance(uploaded, models.UploadResult), uploaded
    documents = {d.filename: d for d in uploaded.documents}
    assert set(documents) == {transcript.name, reviews.name}
    assert documents[transcript.name].meta.additional_properties["customer_id"] == "C0021"
    assert all(d.utterances > 0 and d.created.tzinfo is not None for d in documents.values())
    # The manifest names files that were not uploaded: said, not silently dropped; a stored
    # file's warnings are reported too (the transcript's NOTE block is not speech).
    problems = {e.filename: e.errors for e in uploaded.errors}
    assert "manifest.csv" in problems
    assert all(
        m.startswith("warning")
        for name, ms in problems.items()
        if name != "manifest.csv"
        for m in ms
    ), problems

    metrics = _api("projects.upload_metrics").sync(
        project.id,
        client=api,
        body=models.BodyUploadMetrics(file=_file(EXAMPLES / "metrics" / "customers.csv")),
    )
    assert isinstance(metrics, models.DocumentOut) and metrics.kind == "metrics", metrics

    started = _api("analyses.start_analysis").sync(
        project.id, client=api, body=models.AnalysisRequest(growth_col="tenure")
    )
    assert isinstance(started, models.AnalysisCreated), started
    get_analysis = _api("analyses.get_analysis")
    deadline = time.monotonic() + 300
    state = get_analysis.sync(started.id, client=api)
    while state.status in (models.AnalysisOutStatus.QUEUED, models.AnalysisOutStatus.RUNNING):
        assert time.monotonic() < deadline, f"analysis still {state.status}"
        time.sleep(0.5)
        state = get_analysis.sync(started.id, client=api)
    assert state.status == models.AnalysisOutStatus.SUCCEEDED, state.error
    assert state.finished.tzinfo is not None and state.finished >= state.created

    get_result = _api("analyses.get_result")
    clusters = get_result.sync(started.id, models.ResultKind.CLUSTERS, client=api)
    assert clusters and {"cluster_id", "size", "label"} <= set(clusters[0].additional_properties)
    segments = get_result.sync(started.id, models.ResultKind.SEGMENTS, client=api)
    assert {row["segment"] for row in segments} <= {"A", "B", "C", "D", "X"}
    findings = get_result.sync(started.id, models.ResultKind.FINDINGS, client=api)
    assert isinstance(findings, list)
    summary = _api("analyses.get_summary").sync(started.id, client=api)
    assert summary.additional_properties
    report = _api("analyses.get_report").sync(started.id, client=api)
    assert isinstance(report, str) and report.lstrip().lower().startswith("<!doctype html")
    page = _api("projects.list_utterances").sync(
        project.id, client=api, category="barrier", limit=5
    )
    assert isinstance(page, models.UtterancePage), page
    assert all(u.category == "barrier" for u in page.items)

    coded = _api("classify.classify").sync(
        client=api,
        body=models.ClassifyRequest(texts=["We switched after the old CRM lost our leads."]),
    )
    assert isinstance(coded, models.ClassifyResponse), coded
    prediction = coded.predictions[0]
    assert prediction.top[0].label == prediction.label
    assert prediction.top[0].confidence == prediction.confidence

    export = _api("analyses.export_analysis").sync(started.id, client=api)
    names = set(zipfile.ZipFile(export.payload).namelist())
    assert {"clusters.csv", "segments.csv", "findings.csv", "summary.json"} <= names

    # Errors come back typed, with the server's message.
    missing = _api("projects.get_project").sync_detailed("no-such-project", client=api)
    assert missing.status_code == 404 and isinstance(missing.parsed, Problem)
    assert missing.parsed.detail == "no project 'no-such-project'"
    invalid = _api("classify.classify").sync_detailed(
        client=api, body=models.ClassifyRequest(texts=[])
    )
    assert invalid.status_code == 422 and isinstance(invalid.parsed, Problem)
    assert invalid.parsed.detail.startswith("body.texts:")
    assert [issue.loc for issue in invalid.parsed.errors] == [["body", "texts"]]
    unknown_key = client_package.AuthenticatedClient(base_url=server, token="not-a-key")
    refused = _api("projects.list_projects").sync_detailed(client=unknown_key)
    assert refused.status_code == 401 and refused.parsed.detail == "unknown API key"
