"""Tenant isolation: models by id only and only in their project, no project can time another's
texts through a shared cache, and nothing a caller reads names the server's paths, memory or
another team's ids (issue 17, defects 2, 3 and 8)."""

# ruff: noqa: F811 - the fixtures of test_api are imported and then named as parameters

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from conftest import EXAMPLES, REPO
from fastapi.testclient import TestClient
from test_api import (  # noqa: F401 - client and database are fixtures
    admin,
    client,
    database,
    key_for,
    new_project,
    upload,
    wait,
)

from api import crud
from nlp_jtbd.classify.store import MODELS
from nlp_jtbd.embed.cache import EmbeddingCache, _key


def two_teams(client: TestClient) -> tuple[str, dict[str, str], str, dict[str, str]]:
    """Projects A and B, each with a key scoped to it alone."""
    a, b = new_project(client, admin(), "A"), new_project(client, admin(), "B")
    return a, key_for(client, projects=[a]), b, key_for(client, projects=[b])


def stored_model(client: TestClient, project: str) -> str:
    """A model stored in ``project`` as a training job stores one (the shipped jtbd5's card and
    weights, so no training is needed to test who may use it)."""
    with client.app.state.db.sessions() as session:
        doc = crud.add_document(session, project, filename="c.csv", kind="coded", content=b"x")
        job = crud.create_job(session, project, "train", {"codebook": "jtbd5"})
        job.status = "succeeded"
        row = crud.add_trained_model(
            session, project, name="ours", job_id=job.id, examples_id=doc.id, codebook="jtbd5"
        )
        row.card = json.loads((MODELS / "jtbd5" / "model.json").read_text("utf-8"))
        row.weights = (MODELS / "jtbd5" / "weights.npz").read_bytes()
        session.commit()
        return row.id


def same_404(first, second, first_id: str, second_id: str) -> None:
    """Both are the same 404 but for the id asked about."""
    assert first.status_code == second.status_code == 404, (first.text, second.text)
    assert first.text.replace(first_id, "ID") == second.text.replace(second_id, "ID")


# -- 2: models by id, in their project only ----------------------------------------------------
def test_a_model_is_named_by_id_only_and_only_its_project_may_use_it(
    client: TestClient, tmp_path: Path
) -> None:
    a, team_a, b, team_b = two_teams(client)
    model = stored_model(client, a)
    text = {"texts": ["We left because the old system lost orders."]}
    ours = client.post("/v1/classify", json={**text, "model": model}, headers=team_a)
    assert ours.status_code == 200, ours.text
    assert ours.json()["model"] == model  # an id, not a folder on the server
    shipped = client.post("/v1/classify", json=text, headers=team_a).json()
    assert shipped["model"] == "jtbd5"
    made_up = "f" * 32
    same_404(
        client.post("/v1/classify", json={**text, "model": model}, headers=team_b),
        client.post("/v1/classify", json={**text, "model": made_up}, headers=team_b),
        model,
        made_up,
    )
    for name in (
        f"{tmp_path}/models/{model}",
        f"../models/{model}",
        f"{model}/",
        "st:/etc",
        "st:etc",
        "/etc",
    ):
        response = client.post("/v1/classify", json={**text, "model": name}, headers=team_b)
        assert response.status_code == 422, (name, response.text)
    url = f"/v1/projects/{b}/analyses"
    upload(client, team_b, b, EXAMPLES / "interviews" / "en_online_store.vtt")
    same_404(
        client.post(url, json={"classifier": model}, headers=team_b),
        client.post(url, json={"classifier": made_up}, headers=team_b),
        model,
        made_up,
    )
    # Even a key that sees both projects cannot analyse B with A's model: B's keys would read it.
    everyone = key_for(client, all_projects=True)
    response = client.post(url, json={"classifier": model}, headers=everyone)
    assert response.status_code == 404


# -- 3: no shared cache to time ------------------------------------------------------------------
def test_the_embedding_cache_is_bounded_and_evicts_the_oldest_first(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path, max_vectors=100)
    vectors = np.eye(250, 8, dtype=np.float32)
    keys = [_key(f"text {i}") for i in range(250)]
    for start in range(0, 250, 50):
        cache.put("m", keys[start : start + 50], vectors[start : start + 50])
    assert cache.count() == 100
    _, found = cache.read("m", keys)
    assert found.tolist() == [False] * 150 + [True] * 100
    cache.close()
    reopened = EmbeddingCache(tmp_path)  # the bound is kept in the cache
    assert reopened.max_vectors == 100
    reopened.put("m", [_key("one more")], vectors[:1])
    assert reopened.count() == 100
    reopened.close()
    unbounded = EmbeddingCache(tmp_path / "cli")
    unbounded.put("m", keys, vectors)
    assert unbounded.max_vectors is None and unbounded.count() == 250


@pytest.mark.slow
def test_projects_embed_into_caches_of_their_own_and_leak_no_server_details(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared-cache"
    monkeypatch.setenv("JTBD_CACHE_DIR", str(shared))
    a, team_a, b, team_b = two_teams(client)
    upload(
        client,
        team_b,
        b,
        EXAMPLES / "interviews" / "en_online_store.vtt",
        EXAMPLES / "interviews" / "en_fitness_studio.srt",
    )
    job = client.post(f"/v1/projects/{b}/analyses", json={}, headers=team_b).json()["id"]
    assert wait(client, team_b, job)["status"] == "succeeded"
    # B's texts are embedded into B's cache only; A's classify reads no cache at all, so how
    # fast it answers says nothing about what B uploaded.
    b_texts = [
        u["text"]
        for u in client.get(f"/v1/projects/{b}/utterances?limit=20", headers=team_b).json()["items"]
    ]
    b_cache = EmbeddingCache(tmp_path / "cache" / b)
    assert b_cache.count() >= len(b_texts) and b_cache.max_vectors is not None
    b_cache.close()
    response = client.post("/v1/classify", json={"texts": b_texts[:5]}, headers=team_a)
    assert response.status_code == 200
    assert not (tmp_path / "cache" / a).exists()
    assert not (shared / "embeddings.sqlite").exists()
    # 8: another team's analysis is the same 404 as one that does not exist.
    made_up = "0" * 32
    same_404(
        client.get(f"/v1/analyses/{job}", headers=team_a),
        client.get(f"/v1/analyses/{made_up}", headers=team_a),
        job,
        made_up,
    )
    # 8: neither the summary nor any file of the export names a server path or the server's
    # memory; files are named as they were uploaded.
    summary = client.get(f"/v1/analyses/{job}/summary", headers=team_b).text
    assert "en_online_store.vtt" in summary
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(f"/v1/analyses/{job}/export", headers=team_b).content)
    )
    assert "en_online_store.vtt" in archive.read("summary.json").decode()
    for name, text in [("summary", summary)] + [
        (n, archive.read(n).decode("utf-8")) for n in archive.namelist()
    ]:
        for secret in (str(tmp_path), str(REPO), "/tmp/", "jtbd-analysis-", "peak_rss"):
            assert secret not in text, (name, secret)


def test_job_errors_name_files_not_server_paths() -> None:
    from api.jobs import no_paths

    error = (
        "/tmp/jtbd-analysis-x1/inputs/0001/calls.csv: no column 'text' "
        "(see /srv/jtbd/models/abc/model.json)"
    )
    assert no_paths(error) == "calls.csv: no column 'text' (see model.json)"
    assert no_paths("https://example.org/a/b stays") == "https://example.org/a/b stays"
