"""Documents: an upload sent twice is one document, documents and projects can be deleted (with
what was derived from them), and files named in any script are stored (issue 17, defects 4
and 9)."""

# ruff: noqa: F811 - the fixtures of test_api are imported and then named as parameters

from __future__ import annotations

from pathlib import Path

from conftest import EXAMPLES
from fastapi.testclient import TestClient
from test_api import (  # noqa: F401 - client and database are fixtures
    admin,
    client,
    database,
    key_for,
    new_project,
)
from test_api_isolation import stored_model

from api import crud

TRANSCRIPT = (EXAMPLES / "interviews" / "en_online_store.vtt").read_bytes()
REVIEWS = b"id,text\n1,Switched from Excel and never looked back.\n2,Too expensive for us.\n"


def send(client: TestClient, headers: dict, project: str, *files: tuple[str, bytes]):
    return client.post(
        f"/v1/projects/{project}/documents",
        files=[("files", file) for file in files],
        headers=headers,
    )


def utterance_ids(client: TestClient, headers: dict, project: str) -> list[str]:
    page = client.get(f"/v1/projects/{project}/utterances?limit=1000", headers=headers).json()
    return [u["utterance_id"] for u in page["items"]]


# -- 4: a retried upload is one document; everything can be deleted -----------------------------
def test_an_upload_sent_again_is_the_same_document(client: TestClient) -> None:
    headers = key_for(client, all_projects=True)
    project = new_project(client, headers)
    first = send(client, headers, project, ("call.vtt", TRANSCRIPT), ("r.csv", REVIEWS))
    assert first.status_code == 201, first.text
    ids = utterance_ids(client, headers, project)
    retry = send(client, headers, project, ("call.vtt", TRANSCRIPT), ("r.csv", REVIEWS))
    assert retry.status_code == 201, retry.text
    assert [d["id"] for d in retry.json()["documents"]] == [
        d["id"] for d in first.json()["documents"]
    ]
    assert retry.json()["errors"] == []
    renamed = send(client, headers, project, ("copy.vtt", TRANSCRIPT))
    assert renamed.json()["documents"][0]["filename"] == "call.vtt"
    assert "identical to 'call.vtt'" in renamed.json()["errors"][0]["errors"][0]
    # The file again with a row more would repeat utterance ids: refused, saying how to repair.
    grown = REVIEWS + b"3,Support never answered.\n"
    refused = send(client, headers, project, ("r.csv", grown))
    assert refused.status_code == 422, refused.text
    assert "already in the project" in refused.json()["detail"]
    assert "DELETE" in refused.json()["detail"]
    assert len(client.get(f"/v1/projects/{project}/documents", headers=headers).json()) == 2
    assert utterance_ids(client, headers, project) == ids
    assert len(set(ids)) == len(ids)


def test_a_document_is_deleted_with_its_utterances_and_the_analyses_that_read_it(
    client: TestClient,
) -> None:
    a = new_project(client, admin(), "A")
    team, other = (
        key_for(client, projects=[a]),
        key_for(client, all_projects=False, projects=[new_project(client, admin(), "B")]),
    )
    documents = send(client, team, a, ("call.vtt", TRANSCRIPT), ("r.csv", REVIEWS)).json()
    call, reviews = (d["id"] for d in documents["documents"])
    with client.app.state.db.sessions() as session:
        job = crud.create_job(session, a, "analysis", {})
        session.commit()
        job_id = job.id
    url = f"/v1/projects/{a}/documents/{reviews}"
    assert client.delete(url, headers=team).status_code == 409  # its analysis is queued
    with client.app.state.db.sessions() as session:
        crud.update_job(session, job_id, status="succeeded")
    assert client.delete(url, headers=other).status_code == 404
    assert client.delete(url, headers=team).status_code == 204
    assert client.delete(url, headers=team).status_code == 404
    listed = client.get(f"/v1/projects/{a}/documents", headers=team).json()
    assert [d["id"] for d in listed] == [call]
    page = client.get(f"/v1/projects/{a}/utterances?limit=1000", headers=team).json()
    assert {u["document_id"] for u in page["items"]} == {call}
    assert client.get(f"/v1/analyses/{job_id}", headers=team).status_code == 404
    # The repaired project takes the changed file.
    grown = REVIEWS + b"3,Support never answered.\n"
    assert send(client, team, a, ("r.csv", grown)).status_code == 201


def test_a_project_is_deleted_with_everything_in_it(client: TestClient, tmp_path: Path) -> None:
    a = new_project(client, admin(), "A")
    team = key_for(client, projects=[a])
    assert send(client, team, a, ("call.vtt", TRANSCRIPT)).status_code == 201
    model = stored_model(client, a)
    text = {"texts": ["We left because the old system lost orders."], "model": model}
    assert client.post("/v1/classify", json=text, headers=team).status_code == 200
    assert (tmp_path / "models" / model).exists()
    (tmp_path / "cache" / a).mkdir(parents=True)
    assert (
        client.delete(
            f"/v1/projects/{a}",
            headers=key_for(
                client, all_projects=False, projects=[new_project(client, admin(), "B")]
            ),
        ).status_code
        == 404
    )
    assert client.delete(f"/v1/projects/{a}", headers=team).status_code == 204
    assert client.get(f"/v1/projects/{a}", headers=team).status_code == 404
    assert client.post("/v1/classify", json=text, headers=admin()).status_code == 404
    assert not (tmp_path / "models" / model).exists()
    assert not (tmp_path / "cache" / a).exists()
    with client.app.state.db.sessions() as session:
        assert crud.get_trained_model(session, model) is None
        assert crud.list_documents(session, a) == []


# -- 9: names in any script; an upload that stores nothing is an error ---------------------------
def test_files_named_in_any_script_keep_their_suffix_and_are_stored(client: TestClient) -> None:
    headers = key_for(client, all_projects=True)
    project = new_project(client, headers)
    text = "Interviewer: Why did you switch?\nRespondent: The old bank was slow. {}\n"
    names = ["интервью.txt", "отзывы клиентов 😀.txt", "名前.txt"]
    response = send(
        client,
        headers,
        project,
        *((name, text.format(i).encode()) for i, name in enumerate(names)),
    )
    assert response.status_code == 201, response.text
    stored = [d["filename"] for d in response.json()["documents"]]
    assert stored == ["интервью.txt", "отзывы_клиентов.txt", "名前.txt"]
    notes = [m for e in response.json()["errors"] for m in e["errors"]]
    assert all(m.startswith("warning") for m in notes), notes


def test_an_upload_in_which_every_file_fails_is_an_error(client: TestClient) -> None:
    headers = key_for(client, all_projects=True)
    project = new_project(client, headers)
    response = send(client, headers, project, ("junk.txt", b"\x00\x01\x02 binary junk"))
    assert response.status_code == 422, response.text
    assert "junk.txt" in response.json()["detail"]
    assert client.get(f"/v1/projects/{project}/documents", headers=headers).json() == []
