"""Bounded work: what one request may cost, bad files that cost only themselves, input errors
that are 4xx problems, settings checked when an analysis is requested, and a server that
answers while it works (issue 17, defects 1, 5, 6, 7, 10 and 12)."""

# ruff: noqa: F811 - the fixtures of test_api are imported and then named as parameters

from __future__ import annotations

import json
import statistics
import threading
import time
from pathlib import Path

import httpx
import pytest
from api_server import serve
from bad_inputs import billion_laughs_docx, deep_json, malformed_xlsx, zip_bomb_docx
from fastapi.testclient import TestClient
from test_api import (  # noqa: F401 - client and database are fixtures
    admin,
    client,
    database,
    key_for,
    make_client,
    new_project,
    upload,
)

GOOD = (
    b"Interviewer: Why did you switch banks?\n"
    b"Respondent: Our old bank blocked the account twice. We lost two deliveries.\n"
)


def problem_of(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()


# -- 1: one request cannot take the server down ------------------------------------------------
@pytest.mark.slow
def test_one_huge_text_is_refused_at_once_and_the_server_lives_on(tmp_path: Path) -> None:
    with serve(tmp_path) as server:
        headers = server.key()
        before = server.rss_mb()
        started = time.perf_counter()
        response = httpx.post(
            f"{server.base}/v1/classify",
            json={"texts": ["word " * 2_000_000]},  # 10 MB
            headers=headers,
            timeout=60,
        )
        seconds = time.perf_counter() - started
        body = problem_of(response, 413)
        assert "JTBD_MAX_TEXT_CHARS" in body["detail"] and "10,000" in body["detail"]
        assert seconds < 5, f"took {seconds:.1f} s to refuse"
        assert server.rss_mb() - before < 300, "the refusal itself cost the memory"
        assert httpx.get(f"{server.base}/v1/health", timeout=5).status_code == 200


def test_classify_bounds_each_text_contexts_and_the_whole_request(
    tmp_path: Path, database: str
) -> None:
    limits = {"max_text_chars": 50, "max_request_chars": 120, "max_request_mb": 0.01}
    with make_client(tmp_path, database, **limits) as client:
        headers = key_for(client, all_projects=True)
        long = "x" * 51
        body = problem_of(client.post("/v1/classify", json={"texts": [long]}, headers=headers), 413)
        assert "texts[0]" in body["detail"] and "JTBD_MAX_TEXT_CHARS" in body["detail"]
        request = {"texts": ["short"], "contexts": [long]}
        body = problem_of(client.post("/v1/classify", json=request, headers=headers), 413)
        assert "contexts[0]" in body["detail"]
        request = {"texts": ["y" * 50] * 3}
        body = problem_of(client.post("/v1/classify", json=request, headers=headers), 413)
        assert "150" in body["detail"] and "JTBD_MAX_REQUEST_CHARS" in body["detail"]
        request = {"texts": ["z" * 40] * 400}  # 16 KB of JSON: over the body limit
        body = problem_of(client.post("/v1/classify", json=request, headers=headers), 413)
        assert "JTBD_MAX_REQUEST_MB" in body["detail"]


# -- 5: zip bombs and bad files cost only themselves -------------------------------------------
def test_bad_files_in_an_upload_cost_only_themselves(client: TestClient) -> None:
    headers = key_for(client, all_projects=True)
    project = new_project(client, headers)
    bad = {
        "bomb.docx": (zip_bomb_docx(100), "zip bomb"),  # 100 MB of XML in about 300 KB
        "laughs.docx": (billion_laughs_docx(), "entities"),
        "broken.docx": (b"PK\x03\x04 not really a zip", "not a readable"),
        "broken.xlsx": (malformed_xlsx(), "Excel"),
        "deep.json": (deep_json(), "nest"),
    }
    files = [("files", ("good.txt", GOOD))] + [
        ("files", (name, content)) for name, (content, _) in bad.items()
    ]
    started = time.perf_counter()
    response = client.post(f"/v1/projects/{project}/documents", files=files, headers=headers)
    assert time.perf_counter() - started < 20
    assert response.status_code == 201, response.text
    assert [d["filename"] for d in response.json()["documents"]] == ["good.txt"]
    refused = {e["filename"]: " ".join(e["errors"]) for e in response.json()["errors"]}
    for name, (_, words) in bad.items():
        assert words in refused[name], (name, refused[name])
    utterances = client.get(f"/v1/projects/{project}/utterances", headers=headers).json()
    assert utterances["total"] == response.json()["documents"][0]["utterances"] == 3
    # An upload in which every file fails is refused as a whole, with every reason.
    files = [("files", (name, content)) for name, (content, _) in bad.items()]
    body = problem_of(
        client.post(f"/v1/projects/{project}/documents", files=files, headers=headers), 422
    )
    assert "bomb.docx" in body["detail"] and "deep.json" in body["detail"]
    assert len(client.get(f"/v1/projects/{project}/documents", headers=headers).json()) == 1


# -- 6: ingestion runs off the event loop --------------------------------------------------------
@pytest.mark.slow
def test_health_answers_at_once_during_a_5_mb_upload(tmp_path: Path) -> None:
    turns = [
        f"Interviewer: What happened in week {i}?\n"
        f"Respondent: In week {i} we copied orders by hand again, and two of them were lost.\n"
        for i in range(40_000)
    ]
    content = "".join(turns).encode()[: 5 * 10**6]
    with serve(tmp_path) as server:
        headers = server.key()
        project = httpx.post(
            f"{server.base}/v1/projects", json={"name": "big"}, headers=headers
        ).json()["id"]
        result: dict[str, httpx.Response] = {}

        def send() -> None:
            result["upload"] = httpx.post(
                f"{server.base}/v1/projects/{project}/documents",
                files=[("files", ("long.txt", content))],
                headers=headers,
                timeout=600,
            )

        uploading = threading.Thread(target=send)
        uploading.start()
        waits = []
        with httpx.Client(base_url=server.base, timeout=30) as client:
            while uploading.is_alive():
                started = time.perf_counter()
                assert client.get("/v1/health").status_code == 200
                waits.append(time.perf_counter() - started)
                time.sleep(0.05)
        uploading.join()
        assert result["upload"].status_code == 201, result["upload"].text
        assert len(waits) > 10
        # The target is 200 ms (BENCHMARKS.md); on the 2 shared cores of CI, 1 s is the bound.
        assert max(waits) < 1.0, (
            f"health waited {max(waits):.2f} s (median {statistics.median(waits):.3f} s)"
        )


# -- 7: every input error is a 4xx problem ------------------------------------------------------
def test_odd_inputs_are_4xx_problems_and_save_nothing(client: TestClient) -> None:
    from sqlalchemy import func, select

    from api.db import ApiKey

    body = problem_of(
        client.get("/v1/projects", headers={"Authorization": "Bearer caf\xe9".encode("latin-1")}),
        401,
    )
    assert "unknown API key" in body["detail"]
    headers = key_for(client, all_projects=True)
    json_headers = {**headers, "Content-Type": "application/json"}
    for raw in (
        '{"texts": ["ok", "\\ud800"]}',
        '{"texts": ["ok"], "contexts": ["\\udfff alone"]}',
    ):
        body = problem_of(client.post("/v1/classify", content=raw, headers=json_headers), 422)
        assert "surrogate" in body["detail"]
    assert (
        client.post(
            "/v1/classify", content='{"texts": ["a pair: \\ud83d\\ude00"]}', headers=json_headers
        ).status_code
        == 200
    )
    project = new_project(client, headers)
    with client.app.state.db.sessions() as session:
        keys_before = session.scalar(select(func.count()).select_from(ApiKey))
    raw = json.dumps({"projects": [project]})[:-2] + '", "\\ud800"]}'
    admin_json = {**admin(), "Content-Type": "application/json"}
    problem_of(client.post("/v1/keys", content=raw, headers=admin_json), 422)
    with client.app.state.db.sessions() as session:
        assert session.scalar(select(func.count()).select_from(ApiKey)) == keys_before
    huge = 9223372036854775808
    problem_of(client.get(f"/v1/projects/{project}/utterances?offset={huge}", headers=headers), 422)
    response = client.get(f"/v1/analyses/{'0' * 32}/findings?offset={huge}", headers=headers)
    assert response.status_code in (404, 422)


# -- 10: settings checked at once; timestamps; limits; key scopes; code pages ----------------
def test_analysis_settings_are_checked_when_the_analysis_is_requested(
    client: TestClient,
) -> None:
    headers = key_for(client, all_projects=True)
    project = new_project(client, headers)
    upload_text(client, headers, project)
    client.post(
        f"/v1/projects/{project}/metrics",
        files={
            "file": (
                "m.csv",
                b"customer_id,ltv,cac\n"
                + b"".join(f"c{i},{i * 10},{i}\n".encode() for i in range(30)),
            )
        },
        headers=headers,
    )
    url = f"/v1/projects/{project}/analyses"
    for settings, status, words in (
        ({"seed": 2**32}, 422, "seed"),
        ({"weights": "ltv=lots"}, 422, "ltv=lots"),
        ({"weights": "ltv=3,churn=1"}, 422, "churn"),
        ({"growth_col": "tenure"}, 422, "tenure"),
        ({"id_col": "client"}, 422, "client"),
        ({"model": "st:etc"}, 422, "not an embedding model"),
        ({"model": "st:no-such-model"}, 422, "not an embedding model"),
        ({"classifier": "f" * 32}, 404, "no model"),
        ({"classifier": "no_such_model"}, 404, "no model"),
    ):
        body = problem_of(client.post(url, json=settings, headers=headers), status)
        assert words in body["detail"], (settings, body)
    with client.app.state.db.sessions() as session:
        from api import crud

        assert crud.busy_jobs(session, project) == []  # no job was queued for any of them


def test_timestamps_read_back_with_their_time_zone(client: TestClient) -> None:
    headers = key_for(client, all_projects=True)
    project = new_project(client, headers)
    upload_text(client, headers, project)
    created = client.get(f"/v1/projects/{project}", headers=headers).json()["created"]
    listed = client.get(f"/v1/projects/{project}/documents", headers=headers).json()[0]["created"]
    for stamp in (created, listed):
        assert stamp.endswith(("Z", "+00:00")), stamp


def test_text_documents_are_bounded_per_request_too(tmp_path: Path, database: str) -> None:
    with make_client(tmp_path, database, max_upload_mb=0.001) as client:
        headers = key_for(client, all_projects=True)
        project = new_project(client, headers)
        text = "Interviewer: Why?\nRespondent: " + "x" * 600 + ".\n"  # each under 1,000 bytes
        documents = [{"name": f"d{i}.txt", "text": text} for i in range(3)]
        body = problem_of(
            client.post(
                f"/v1/projects/{project}/documents/text",
                json={"documents": documents},
                headers=headers,
            ),
            413,
        )
        assert "together" in body["detail"] and "JTBD_MAX_UPLOAD_MB" in body["detail"]


def test_keys_are_scoped_to_projects_that_exist(client: TestClient) -> None:
    body = problem_of(client.post("/v1/keys", json={"projects": ["nope"]}, headers=admin()), 422)
    assert "no project 'nope'" in body["detail"]


def test_a_csv_wholly_in_cp1251_is_not_reported_as_mixing_encodings(client: TestClient) -> None:
    headers = key_for(client, all_projects=True)
    project = new_project(client, headers)
    table = "id,text\n1,Перешли с таблиц и не жалеем.\n2,Слишком дорого для маленького магазина.\n"
    response = client.post(
        f"/v1/projects/{project}/documents",
        files=[("files", ("reviews.csv", table.encode("cp1251")))],
        headers=headers,
    )
    assert response.status_code == 201, response.text
    assert not any("mix" in " ".join(e["errors"]) for e in response.json()["errors"])
    texts = client.get(f"/v1/projects/{project}/utterances", headers=headers).json()["items"]
    assert any("дорого" in u["text"] for u in texts)


def upload_text(client: TestClient, headers: dict[str, str], project: str) -> None:
    response = client.post(
        f"/v1/projects/{project}/documents", files=[("files", ("a.txt", GOOD))], headers=headers
    )
    assert response.status_code == 201, response.text


# -- 12: latency under load ---------------------------------------------------------------------
def _hammer(base: str, headers: dict[str, str], clients: int, seconds: float) -> list:
    """``clients`` threads posting one unseen text each for ``seconds``: (status, seconds,
    Retry-After) per request."""
    results: list[tuple[int, float, str | None]] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    counter = iter(range(10**9))

    def loop() -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            while time.perf_counter() < deadline:
                with lock:
                    n = next(counter)
                text = f"We moved to the new tool in week {n} because invoices kept bouncing."
                started = time.perf_counter()
                response = client.post("/v1/classify", json={"texts": [text]})
                with lock:
                    results.append(
                        (
                            response.status_code,
                            time.perf_counter() - started,
                            response.headers.get("retry-after"),
                        )
                    )

    threads = [threading.Thread(target=loop) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.slow
def test_under_load_classify_stays_fast_or_says_when_to_retry(tmp_path: Path) -> None:
    with serve(tmp_path, JTBD_CLASSIFY_QUEUE="6", JTBD_CLASSIFY_WAIT_S="2") as server:
        headers = server.key()
        warm = httpx.post(
            f"{server.base}/v1/classify", json={"texts": ["warm up"]}, headers=headers, timeout=120
        )
        assert warm.status_code == 200
        results = _hammer(server.base, headers, clients=4, seconds=4)
        assert {status for status, _, _ in results} == {200}
        seconds = sorted(s for _, s, _ in results)
        assert seconds[int(0.95 * len(seconds))] < 1.0  # 300 ms on a quiet machine: BENCHMARKS.md
        results = _hammer(server.base, headers, clients=20, seconds=4)
        assert max(s for _, s, _ in results) < 5.0
        refused = [(status, retry) for status, _, retry in results if status != 200]
        assert refused, "20 clients on a queue of 6: some must be told to retry"
        assert all(status in (429, 503) and retry and int(retry) >= 1 for status, retry in refused)
        assert any(status == 200 for status, _, _ in results)
