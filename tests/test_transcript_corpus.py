"""The team's transcript corpus: every file under ``tests/data/transcripts/`` is read with no hint
and must give the speakers, roles, turns, sentences and first times its ``.expected.json`` says.

Each transcript ``NAME.EXT`` has a ``NAME.EXT.expected.json`` beside it::

    {
      "about": "Rev export: Name (hh:mm:ss): with text on the next lines",
      "format": "txt",                       # the format detected
      "lang": "en",                          # the document's language
      "roles": {"Lenny": "interviewer", "Bob Moesta": "respondent"},   # every speaker, exactly
      "turns": 12,                           # speaker turns after merging consecutive ones
      "utterances": 41,                      # optional: sentence rows
      "first": [                             # the first utterances, in order
        {"speaker": "Lenny", "role": "interviewer", "start_s": 0.0, "text": "So tell me"}
      ],
      "warnings": ["preamble"],              # optional: words each expected warning contains
      "options": {"interviewers": ["Lenny"]} # optional: IngestOptions for this reading
    }

``text`` is a prefix of the utterance's text; ``start_s`` is compared to 0.01 s (``null``: no
time). A reading may carry more warnings than listed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import ingest, turns

CORPUS = Path(__file__).resolve().parent / "data" / "transcripts"
CASES = sorted(CORPUS.rglob("*.expected.json")) if CORPUS.exists() else []


def _case_id(path: Path) -> str:
    return str(path.relative_to(CORPUS)).removesuffix(".expected.json")


@pytest.mark.parametrize("expected_path", CASES, ids=[_case_id(p) for p in CASES])
def test_the_transcript_reads_as_expected(expected_path: Path) -> None:
    expected = json.loads(expected_path.read_text("utf-8"))
    source = expected_path.with_name(expected_path.name.removesuffix(".expected.json"))
    options = dict(expected.get("options", {}))
    for key in ("interviewers", "respondents"):
        if key in options:
            options[key] = tuple(options[key])
    frame, ingestor = ingest(source, **options)
    report = ingestor.report_
    assert report.files_failed == 0, [p.render() for p in report.problems]
    assert dict(report.formats) == {expected["format"]: 1}

    roles = dict(zip(frame["speaker"], frame["role"], strict=True))
    assert roles == expected["roles"]
    assert len(turns(frame)) == expected["turns"]
    if "utterances" in expected:
        assert len(frame) == expected["utterances"]
    if "lang" in expected:
        assert set(frame["lang"]) == {expected["lang"]}
    assert not frame["text"].str.match(r"^\s*[:：]").any(), "a quote starts with a colon"

    for row, want in zip(frame.itertuples(), expected["first"], strict=False):
        assert (row.speaker, row.role) == (want["speaker"], want["role"])
        assert str(row.text).startswith(want["text"]), (row.text, want["text"])
        if "start_s" in want:
            if want["start_s"] is None:
                assert row.start_s is None or row.start_s != row.start_s  # None or NaN
            else:
                assert abs(float(row.start_s) - want["start_s"]) < 0.01, (row.text, row.start_s)
    assert len(frame) >= len(expected["first"])

    messages = [p.message.lower() for p in report.problems]
    for words in expected.get("warnings", []):
        assert any(words.lower() in m for m in messages), (words, messages)


_FLIP = {"interviewer": "respondent", "respondent": "interviewer", "unknown": "unknown"}


def _case(expected_path: Path) -> tuple[Path, dict]:
    expected = json.loads(expected_path.read_text("utf-8"))
    return expected_path.with_name(expected_path.name.removesuffix(".expected.json")), expected


@pytest.mark.parametrize("expected_path", CASES, ids=[_case_id(p) for p in CASES])
def test_naming_the_speakers_gives_them_those_roles(expected_path: Path) -> None:
    """`interviewers`/`respondents` as the transcript writes the names, in another case: each
    named speaker takes the role it is named for, the others keep theirs."""
    source, expected = _case(expected_path)
    roles = expected["roles"]
    flipped = {name: _FLIP[role] for name, role in roles.items()}
    frame, _ = ingest(
        source,
        interviewers=tuple(n.upper() for n, r in flipped.items() if r == "interviewer"),
        respondents=tuple(n.lower() for n, r in flipped.items() if r == "respondent"),
    )
    assert dict(zip(frame["speaker"], frame["role"], strict=True)) == flipped
    assert len(turns(frame)) == expected["turns"]  # naming merges no speakers


@pytest.mark.parametrize("expected_path", CASES, ids=[_case_id(p) for p in CASES])
def test_a_corrected_speakers_table_decides_the_roles(expected_path: Path, tmp_path: Path) -> None:
    """The speakers table a reading writes, with every role flipped by hand and passed back."""
    from nlp_jtbd.ingest.speakers_table import write_speakers

    source, expected = _case(expected_path)
    _, ingestor = ingest(source)
    rows = ingestor.report_.speakers
    assert {r.speaker: r.role for r in rows} == expected["roles"]
    table = write_speakers(rows, tmp_path / "speakers.csv")
    edited = pd.read_csv(table, dtype=str, keep_default_na=False)
    edited["role"] = edited["role"].map(_FLIP)
    edited.to_csv(table, index=False)
    frame, _ = ingest(source, speakers=table)
    flipped = {name: _FLIP[role] for name, role in expected["roles"].items()}
    assert dict(zip(frame["speaker"], frame["role"], strict=True)) == flipped
