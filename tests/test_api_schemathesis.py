"""Schemathesis over the committed OpenAPI spec, with every check, against a real server.

The command is the one to run by hand (with a server on port 8000)::

    st --config-file tests/schemathesis.toml run api/openapi.json --url http://127.0.0.1:8000 \\
        -H "Authorization: Bearer $JTBD_ADMIN_KEY" --checks all --max-examples 10 --seed 17

Every phase runs (coverage, fuzzing, stateful: projects created by the run are used by the
operations that take a project id), in positive and negative mode. No response may be a 5xx,
break its declared status, content type, headers or schema, accept invalid data or refuse
valid data — except where ``tests/schemathesis.toml`` says why a schema-valid request may get a
422. ``JTBD_FUZZ_EXAMPLES`` and ``JTBD_FUZZ_SEED`` widen or vary the run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from api_server import ADMIN, serve
from conftest import REPO

EXAMPLES = os.environ.get("JTBD_FUZZ_EXAMPLES", "10")  # about 30 s in all
SEED = os.environ.get("JTBD_FUZZ_SEED", "17")


@pytest.mark.slow
def test_schemathesis_finds_no_failure_over_the_committed_spec(tmp_path: Path) -> None:
    # No warm-up: the first classify loads the model, which is no reason for a 503.
    with serve(tmp_path, JTBD_CLASSIFY_WAIT_S="120") as served:
        result = subprocess.run(
            [
                str(Path(sys.executable).parent / "st"),
                "--no-color",
                "--config-file",
                str(REPO / "tests" / "schemathesis.toml"),
                "run",
                str(REPO / "api" / "openapi.json"),
                "--url",
                served.base,
                "--header",
                f"Authorization: Bearer {ADMIN}",
                "--checks",
                "all",
                "--max-examples",
                EXAMPLES,
                "--seed",
                SEED,
            ],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=tmp_path,  # its cache and reports stay out of the repository
        )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-20_000:]
    selected = re.search(r"Selected: (\d+)/(\d+)\s+Tested: (\d+)", output)
    assert selected, output[-5_000:]
    assert len(set(selected.groups())) == 1, f"not every operation was tested: {selected[0]}"
