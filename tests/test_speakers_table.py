"""The speakers table: written by `jtbd ingest` and `jtbd analyze`, corrected by a researcher and
passed back (`speakers`), which then decides the roles of the speakers it names."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from conftest import EXAMPLES, ingest

from nlp_jtbd.analysis import AnalysisFolder, AnalysisInputs, AnalysisSettings, run_analysis
from nlp_jtbd.errors import InputError
from nlp_jtbd.ingest.speakers_table import SPEAKER_COLUMNS, SpeakersFile

# Nobody asks clearly here: both speakers stay `unknown` until the researcher says otherwise.
CHAT = """Ольга: Мы перешли на новый сервис доставки в марте. До этого всё считали в таблице.
Игорь: У нас было так же. Таблица ломалась каждую неделю, и заказы терялись.
Ольга: Самое трудное было перенести историю клиентов. Мы делали это две недели.
Игорь: Мы тоже боялись переезда, но в итоге он занял три дня.
Ольга: Зато теперь курьеры видят заказы сразу, и звонков стало меньше.
Игорь: И у нас жалоб стало вдвое меньше.
"""
INTERVIEW = """Interviewer: When did you start looking for a new tool?
Sarah: Right after we lost the Henderson order. Nobody saw the email for four days.
Interviewer: What did you compare?
Sarah: Two helpdesks and a CRM. The CRM was too heavy for a team of five.
"""


def _with_example(write, folder: str) -> Path:
    """A folder with the chat and a bundled interview (enough utterances to cluster)."""
    write(f"{folder}/logistics.txt", (EXAMPLES / "interviews" / "en_logistics_qa.txt").read_bytes())
    return write(f"{folder}/chat.txt", CHAT).parent


def _edit(path: Path, roles: dict[str, str]) -> None:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for speaker, role in roles.items():
        frame.loc[frame.speaker == speaker, "role"] = role
    frame.to_csv(path, index=False)


def test_jtbd_ingest_prints_and_writes_the_speakers_table_and_reads_it_back(
    write, cli, tmp_path: Path
) -> None:
    folder = write("in/chat.txt", CHAT).parent
    write("in/interview.txt", INTERVIEW)
    out = tmp_path / "work" / "utterances.parquet"
    code, stdout, stderr = cli("ingest", folder, "--out", out)
    assert code == 0
    assert "no speaker's role could be decided" in stderr and "chat.txt" in stderr
    table_path = tmp_path / "work" / "utterances.speakers.csv"
    assert "Speakers" in stdout and str(table_path) in stdout.replace("\n", "")
    assert "decided by" in stdout and "counterpart" in stdout
    table = pd.read_csv(table_path, dtype=str, keep_default_na=False)
    assert tuple(table.columns) == SPEAKER_COLUMNS
    rows = {(Path(p).name, s): (r, src) for p, s, r, src in zip(
        table.source_path, table.speaker, table.role, table.role_source, strict=True)}  # fmt: skip
    assert rows == {
        ("chat.txt", "Ольга"): ("unknown", "default"),
        ("chat.txt", "Игорь"): ("unknown", "default"),
        ("interview.txt", "Interviewer"): ("interviewer", "label"),
        ("interview.txt", "Sarah"): ("respondent", "counterpart"),
    }
    assert table.turns.tolist() == ["3", "3", "2", "2"]
    assert int(table.words.iloc[0]) > 20

    _edit(table_path, {"Ольга": "interviewer", "Игорь": "respondent"})
    again = tmp_path / "again.csv"
    code, stdout, stderr = cli("ingest", folder, "--speakers", table_path, "--out", again)
    assert code == 0, stderr
    frame = pd.read_csv(again)
    chat = frame[frame.source_path.str.endswith("chat.txt")]
    assert dict(zip(chat.speaker, chat.role, strict=True)) == {
        "Ольга": "interviewer",
        "Игорь": "respondent",
    }
    table = pd.read_csv(tmp_path / "again.speakers.csv", dtype=str, keep_default_na=False)
    assert table.role_source.tolist() == ["speakers_file"] * 4
    assert "warning" not in stderr


def test_rows_match_by_file_name_when_the_transcript_changed_and_unknown_rows_are_reported(
    write, tmp_path: Path
) -> None:
    path = write("chat.txt", CHAT)
    table = tmp_path / "speakers.csv"
    table.write_text(
        "doc_id,source_path,speaker,role\n"
        "chat-00000000,old/place/chat.txt,ольга,interviewer\n"  # an older version of the file
        "chat-00000000,old/place/chat.txt,Игорь,respondent\n"
        "chat-00000000,old/place/chat.txt,Пётр,respondent\n"  # nobody of that name
        "other-1234abcd,other.txt,Anna,interviewer\n"  # a file not read this time
        "chat-00000000,chat.txt,Игорь,\n",  # no role: the rules decide
        "utf-8",
    )
    frame, ingestor = ingest(path, speakers=table)
    assert dict(zip(frame.speaker, frame.role, strict=True)) == {
        "Ольга": "interviewer",
        "Игорь": "respondent",
    }
    warning = next(p for p in ingestor.report_.problems if p.path == str(table))
    assert warning.severity == "warning"
    assert warning.message.startswith("2 rows set no speaker")
    assert "line 4 (chat.txt, 'Пётр')" in warning.message
    assert "line 5 (other.txt, 'Anna')" in warning.message


def test_a_spreadsheet_saved_table_with_semicolons_in_cp1251_is_read(write, tmp_path) -> None:
    path = write("chat.txt", CHAT)
    table = tmp_path / "speakers.csv"
    table.write_bytes(
        "doc_id;source_path;speaker;role;turns;words;role_source\r\n"
        ";chat.txt;Ольга;Интервьюер;3;40;default\r\n"
        ";chat.txt;Игорь;respondent;3;40;default\r\n".encode("cp1251")
    )
    frame, _ = ingest(path, speakers=table)
    assert dict(zip(frame.speaker, frame.role, strict=True)) == {
        "Ольга": "interviewer",
        "Игорь": "respondent",
    }


@pytest.mark.parametrize(
    ("content", "where", "words"),
    [
        ("doc_id,speaker,role\nx,Ольга,boss\n", "line 2", "role 'boss' is not a role"),
        ("doc_id,name,role\nx,Ольга,interviewer\n", "line 1", "no column 'speaker'"),
    ],
)
def test_a_broken_speakers_file_is_an_error_that_says_where(
    write, tmp_path: Path, content: str, where: str, words: str
) -> None:
    table = tmp_path / "speakers.csv"
    table.write_text(content, "utf-8")
    with pytest.raises(InputError) as caught:
        SpeakersFile.load(table)
    assert caught.value.where == where and words in caught.value.what
    assert caught.value.fix


def test_the_cli_reports_a_broken_speakers_file_with_the_fix(write, cli, tmp_path) -> None:
    path = write("chat.txt", CHAT)
    table = tmp_path / "speakers.csv"
    table.write_text("doc_id,speaker,role\nx,Ольга,boss\n", "utf-8")
    code, _, stderr = cli("ingest", path, "--speakers", table, "--out", tmp_path / "u.csv")
    assert code == 2
    assert "role 'boss' is not a role" in stderr and "interviewer, respondent or unknown" in stderr


def test_jtbd_analyze_writes_speakers_csv_and_takes_it_back(write, cli, tmp_path: Path) -> None:
    folder = _with_example(write, "in")
    write("in/interview.txt", INTERVIEW)
    out = tmp_path / "analysis"
    code, stdout, stderr = cli("analyze", folder, "--respondent", "игорь", "--out", out)
    assert code == 0, stderr
    speakers_csv = AnalysisFolder(out).path("speakers")
    assert speakers_csv.name == "speakers.csv" and str(speakers_csv) in stdout.replace("\n", "")
    table = AnalysisFolder(out).read("speakers")
    assert dict(
        zip(table.speaker, zip(table.role, table.role_source, strict=True), strict=True)
    ) == {
        "Q": ("interviewer", "letters"),
        "A": ("respondent", "letters"),
        "Ольга": ("interviewer", "counterpart"),
        "Игорь": ("respondent", "option"),
        "Interviewer": ("interviewer", "label"),
        "Sarah": ("respondent", "counterpart"),
    }

    # The researcher's corrections win over the rules and over the names given again.
    _edit(speakers_csv, {"Ольга": "respondent", "Игорь": "interviewer", "Sarah": "unknown"})
    again = tmp_path / "again"
    code, _, stderr = cli(
        "analyze", folder, "--speakers", speakers_csv, "--respondent", "игорь", "--out", again
    )
    assert code == 0, stderr
    utterances = AnalysisFolder(again).read("utterances")
    assert dict(zip(utterances.speaker, utterances.role, strict=True)) == {
        "Q": "interviewer",
        "A": "respondent",
        "Ольга": "respondent",
        "Игорь": "interviewer",
        "Interviewer": "interviewer",
        "Sarah": "unknown",
    }
    table = AnalysisFolder(again).read("speakers")
    assert set(table.role_source) == {"speakers_file"}


def test_run_analysis_takes_the_speakers_table_and_the_respondents_setting(write, tmp_path) -> None:
    folder = _with_example(write, "in")
    table = tmp_path / "speakers.csv"
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source_path", "speaker", "role"])
        writer.writerow(["chat.txt", "Игорь", "interviewer"])
    result = run_analysis(
        AnalysisInputs(paths=(folder,), speakers=table),
        AnalysisSettings(respondents=("ольга",)),
        tmp_path / "analysis",
    )
    speakers = result.folder.read("speakers")
    assert dict(zip(speakers.speaker, speakers.role_source, strict=True)) == {
        "Q": "letters",
        "A": "letters",
        "Ольга": "option",
        "Игорь": "speakers_file",
    }
    assert dict(zip(speakers.speaker, speakers.role, strict=True)) == {
        "Q": "interviewer",
        "A": "respondent",
        "Ольга": "respondent",
        "Игорь": "interviewer",
    }
    assert result.ingest is not None and len(result.ingest.speakers) == 4
    with pytest.raises(InputError, match="`speakers`"):
        AnalysisInputs(utterances=tmp_path / "analysis" / "utterances.parquet", speakers=table)
