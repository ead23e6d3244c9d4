"""Utterance tables read whole or in batches give the same rows and the same checks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from nlp_jtbd.errors import InputError
from nlp_jtbd.tables import TableAppender, iter_utterances, read_utterances


@pytest.mark.parametrize("suffix", ["csv", "jsonl", "parquet"])
def test_batches_concatenate_to_the_whole_table(tmp_path: Path, suffix: str) -> None:
    frame = pd.DataFrame({"text": [f"utterance {i}" for i in range(23)], "lang": "en"})
    path = tmp_path / f"u.{suffix}"
    writer = TableAppender(path)
    for start in range(0, 23, 10):  # written in pieces too
        writer.write(frame.iloc[start : start + 10])
    writer.close()
    whole = read_utterances(path)
    batches = list(iter_utterances(path, batch_rows=5))
    assert [len(b) for b in batches] == [5, 5, 5, 5, 3]
    joined = pd.concat(batches, ignore_index=True)
    pd.testing.assert_frame_equal(joined, whole)
    assert joined["utterance_id"].tolist()[:2] == ["row-1", "row-2"]  # numbered across batches
    assert joined["utterance_id"].iloc[-1] == "row-23"


def test_an_id_repeated_in_a_later_batch_is_caught(tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    pd.DataFrame({"utterance_id": ["a", "b", "c", "a"], "text": list("wxyz")}).to_csv(
        path, index=False
    )
    with pytest.raises(InputError, match=r"repeat.*'a'"):
        list(iter_utterances(path, batch_rows=2))


def test_an_unfinished_appender_leaves_no_file(tmp_path: Path) -> None:
    writer = TableAppender(tmp_path / "out.parquet")
    writer.write(pd.DataFrame({"a": [1]}))
    writer.abort()
    assert list(tmp_path.iterdir()) == []
