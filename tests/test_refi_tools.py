"""What QDA tools need from our .qdpx, one requirement per test.

QualCoder's importer (ccbogel/QualCoder, src/qualcoder/refi.py, ``RefiImport``) is not on PyPI
and needs PyQt6, so it cannot run here; each rule it imposes is pinned instead, with where it
comes from. The rules of ATLAS.ti, MAXQDA and NVivo come from the REFI-QDA standard
(Project.xsd) and their exports (see README, "REFI-QDA").
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from nlp_jtbd.codebook import load_codebook
from nlp_jtbd.export.refi import read_qdpx, write_qdc, write_qdpx
from nlp_jtbd.export.refi.codes import CANDIDATES_CODE
from nlp_jtbd.export.refi.project import CASE_VARIABLES, SOURCE_VARIABLES

Q = "{urn:QDA-XML:project:1.0}"
NS = {"q": "urn:QDA-XML:project:1.0"}


@pytest.fixture(scope="module")
def exported(bundled_analysis: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_qdpx(bundled_analysis, tmp_path_factory.mktemp("tools") / "project.qdpx")


@pytest.fixture(scope="module")
def qde(exported: Path) -> etree._Element:
    with zipfile.ZipFile(exported) as archive:
        return etree.fromstring(archive.read("project.qde"))


@pytest.fixture(scope="module")
def texts(exported: Path, qde: etree._Element) -> dict[str, str]:
    """Source GUID → its text in the zip."""
    with zipfile.ZipFile(exported) as archive:
        return {
            s.get("guid"): archive.read(f"Sources/{s.get('guid')}.txt").decode("utf-8")
            for s in qde.iterfind("q:Sources/q:TextSource", NS)
        }


def test_every_element_that_can_carry_dates_has_them(qde: etree._Element) -> None:
    # QualCoder parse_notes: create_date.replace('T', ' ') on a Note without
    # creationDateTime/modifiedDateTime raises, and the import stops before the cases.
    dated = ["Project", "TextSource", "PlainTextSelection", "Coding", "Note"]
    for tag in dated:
        elements = [qde] if tag == "Project" else list(qde.iter(f"{Q}{tag}"))
        assert elements, tag
        for element in elements:
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", element.get("creationDateTime"))
            if tag != "Coding":  # CodingType has no modifiedDateTime in Project.xsd
                assert element.get("modifiedDateTime") == element.get("creationDateTime")


def test_codes_have_colours_unique_names_memos_and_the_fallback_code(
    qde: etree._Element,
) -> None:
    codes = list(qde.iter(f"{Q}Code"))
    codable = [c for c in codes if c.get("isCodable") == "true"]
    # QualCoder draws a random colour for a code without one (sub_codes: color is None)
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c.get("color")) for c in codable)
    # code_name and code_cat have unique names: a repeated name merges two codes
    names = Counter(c.get("name") for c in codes)
    assert max(names.values()) == 1
    # QualCoder reads a code's memo from <Description> and ignores NoteRef
    assert all((c.findtext(f"{Q}Description") or "").strip() for c in codable)
    themes = [c for c in codable if c.find(f"{Q}NoteRef") is not None]
    assert themes and all("Keywords:" in c.findtext(f"{Q}Description") for c in themes)
    # the .qdc has the fallback label's code; the .qdpx too (and uses it)
    assert "No JTBD content" in names
    fallback = next(c.get("guid") for c in codes if c.get("name") == "No JTBD content")
    assert qde.find(f".//{Q}CodeRef[@targetGUID='{fallback}']") is not None
    # non-codable parents hold codes (QualCoder makes them categories)
    for parent in (c for c in codes if c.get("isCodable") == "false"):
        assert parent.find(f"{Q}Code") is not None


def test_each_coder_is_a_user_and_each_coding_is_theirs(
    qde: etree._Element, bundled_analysis: Path
) -> None:
    users = {u.get("guid"): u.get("name") for u in qde.iterfind("q:Users/q:User", NS)}
    book = load_codebook("jtbd5")
    model = next(name for name in users.values() if name.startswith("nlp_jtbd model"))
    assert book.ref in model and "nlp_jtbd 0." in model  # the model with codebook and version
    # QualCoder makes the first user its coder name (import_project: users[0])
    assert next(iter(users.values())) == model
    predictions = pd.read_csv(bundled_analysis / "predictions.csv", dtype=str)
    rules = {c.removeprefix("rule:") for c in predictions["coder"] if c.startswith("rule:")}
    for rule in rules:
        assert any(name.startswith(f"nlp_jtbd rule {rule}") for name in users.values())
    by_selection = {}
    for selection in qde.iter(f"{Q}PlainTextSelection"):
        # QualCoder takes a coding's owner from its selection's creatingUser
        owner = selection.get("creatingUser")
        assert owner in users
        for coding in selection.iterfind(f"{Q}Coding"):
            assert coding.get("creatingUser") == owner
        by_selection[(selection.get("name"), owner)] = selection
    coder_of = dict(zip(predictions["utterance_id"], predictions["coder"], strict=True))
    rule_coded = [u for u, c in coder_of.items() if c.startswith("rule:")]
    for utterance_id in rule_coded[:20]:
        rule = coder_of[utterance_id].removeprefix("rule:")
        owners = {users[o] for (name, o) in by_selection if name == utterance_id}
        assert any(o.startswith(f"nlp_jtbd rule {rule}") for o in owners)


def test_case_and_source_variables_have_different_names(qde: etree._Element) -> None:
    # QualCoder keeps one attribute_type per name, marked 'case' once a case uses it: a name
    # used by files too hides the file values.
    variables = {v.get("guid"): v.get("name") for v in qde.iterfind("q:Variables/q:Variable", NS)}
    used: dict[str, set[str]] = {"case": set(), "source": set()}
    for kind, path in (("case", "q:Cases/q:Case"), ("source", "q:Sources/q:TextSource")):
        for element in qde.iterfind(path, NS):
            for ref in element.iterfind("q:VariableValue/q:VariableRef", NS):
                used[kind].add(variables[ref.get("targetGUID")])
    assert used["case"] == set(CASE_VARIABLES)
    assert used["source"] <= set(SOURCE_VARIABLES) and "source_doc_id" in used["source"]
    assert not used["case"] & used["source"]
    # a Case without a name is read as a file's variables (parse_case_for_file_variables)
    assert all(case.get("name") for case in qde.iterfind("q:Cases/q:Case", NS))


def test_source_names_are_file_names_on_every_system(exported: Path) -> None:
    # QualCoder copies each source to documents/<name>.txt; ':' is not allowed on Windows
    project = read_qdpx(exported)
    names = list(project["sources"])
    assert not [
        n for n in names if re.search(r'[<>:"/\\|?*\x00-\x1f]', n) or n.endswith((".", " "))
    ]
    assert len({n.lower() for n in names}) == len(names)
    doc_ids = {info["variables"]["source_doc_id"] for info in project["source_info"].values()}
    assert any(":" in d for d in doc_ids)  # the reviews' ids keep their colon in the variable


def test_every_coding_lands_on_its_text_in_utf16_units_emoji_included(
    qde: etree._Element, texts: dict[str, str], bundled_analysis: Path
) -> None:
    utterances = pd.read_parquet(bundled_analysis / "utterances.parquet")
    text_of = dict(zip(utterances["utterance_id"], utterances["text"], strict=True))
    astral = {u for u, t in text_of.items() if any(ord(ch) > 0xFFFF for ch in t)}
    shifted = 0
    for source in qde.iterfind("q:Sources/q:TextSource", NS):
        units = texts[source.get("guid")].encode("utf-16-le")  # what Qt, .NET and Delphi index
        plain = texts[source.get("guid")]
        for selection in source.iterfind("q:PlainTextSelection", NS):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            quote = units[2 * start : 2 * end].decode("utf-16-le")
            assert quote == text_of[selection.get("name")]
            shifted += plain[start:end] != quote  # counted in code points it would be off
    assert astral and shifted > 0  # the demo has emoji after which positions differ


def test_what_qualcoders_importer_loads(qde: etree._Element, bundled_analysis: Path) -> None:
    """Counts as QualCoder's RefiImport stores them: sources, categories (non-codable codes),
    codes, text codings (unique per code, source, span and owner) and cases."""
    sources = qde.findall("q:Sources/q:TextSource", NS)
    codes = list(qde.iter(f"{Q}Code"))
    code_guids = {c.get("guid") for c in codes if c.get("isCodable") == "true"}
    codings = Counter()
    for source in sources:
        for selection in source.iterfind("q:PlainTextSelection", NS):
            for ref in selection.iterfind("q:Coding/q:CodeRef", NS):
                assert ref.get("targetGUID") in code_guids
                key = (ref.get("targetGUID"), source.get("guid"), selection.get("startPosition"))
                codings[(*key, selection.get("endPosition"), selection.get("creatingUser"))] += 1
    assert max(codings.values()) == 1  # no "Duplicated text coding" dropped on import
    utterances = pd.read_parquet(bundled_analysis / "utterances.parquet")
    predictions = pd.read_csv(bundled_analysis / "predictions.csv", dtype=str)
    assignments = pd.read_csv(bundled_analysis / "assignments.csv", dtype={"utterance_id": str})
    themed = int((assignments["cluster_id"] >= 0).sum())
    jobs = int(predictions.get("candidate_id", pd.Series(dtype=str)).fillna("").ne("").sum())
    assert len(sources) == utterances["doc_id"].nunique()
    assert len(codings) == len(predictions) + themed + jobs  # every category, theme and job
    cases = qde.findall("q:Cases/q:Case", NS)
    speakers = utterances[["customer_id", "speaker"]].drop_duplicates()
    assert 0 < len(cases) <= len(speakers)
    assert len({c.get("name") for c in cases}) == len(cases)  # cases.name is unique


def test_candidates_become_codes_when_the_analysis_has_them(
    bundled_analysis: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "analysis"
    shutil.copytree(bundled_analysis, folder, ignore=shutil.ignore_patterns("model"))
    predictions = pd.read_csv(folder / "predictions.csv", dtype=str, keep_default_na=False)
    predictions["candidate_id"] = ""
    predictions.loc[predictions.index[:3], "candidate_id"] = "J-ok"
    predictions.to_csv(folder / "predictions.csv", index=False)
    pd.DataFrame(
        {"candidate_id": ["J-ok"], "category": ["main_job"], "name": ["Fill empty slots"]}
    ).to_csv(folder / "candidates.csv", index=False)
    project = read_qdpx(write_qdpx(folder, tmp_path / "with.qdpx"))
    jobs = [c for c in project["codings"] if c["code"] == "J-ok Fill empty slots"]
    assert {c["selection"] for c in jobs} == set(predictions["utterance_id"][:3])
    assert {c["coder"] for c in jobs} == {"nlp_jtbd job candidates"}
    (folder / "candidates.csv").unlink()  # absent: no candidate codes, no error
    plain = read_qdpx(write_qdpx(folder, tmp_path / "without.qdpx"))
    assert CANDIDATES_CODE not in {c["name"] for c in plain["codes"].values()}


def test_the_codebook_file_has_coloured_codes(tmp_path: Path) -> None:
    root = etree.parse(str(write_qdc("jtbd5", tmp_path / "jtbd5.qdc"))).getroot()
    codable = [c for c in root.iter("{*}Code") if c.get("isCodable") == "true"]
    assert codable and all(c.get("color") for c in codable)
