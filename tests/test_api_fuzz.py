"""Property-based fuzzing of the OpenAPI spec: no request, however odd, gets a 5xx."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from api import create_app
from api.settings import Settings

ADMIN = "fuzz-admin"
_DATA = Path(tempfile.mkdtemp(prefix="jtbd-fuzz-"))
app = create_app(
    Settings(
        database_url=f"sqlite:///{_DATA / 'fuzz.sqlite'}",
        data_dir=_DATA,
        admin_key=ADMIN,
        warmup=False,
    )
)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
EXAMPLES = int(os.environ.get("JTBD_FUZZ_EXAMPLES", "15"))  # bounded: about 15 s in all


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_operation_answers_with_a_server_error(case: schemathesis.Case) -> None:
    case.call_and_validate(
        checks=[not_a_server_error], headers={"Authorization": f"Bearer {ADMIN}"}
    )
