"""``jtbd serve`` (the HTTP API) and ``jtbd openapi`` (its spec)."""

from __future__ import annotations

import json
from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = 8000,
) -> None:
    """Run the HTTP API (settings from JTBD_* environment variables; see README)."""
    import uvicorn
    from pydantic import ValidationError

    from api import create_app
    from api.settings import Settings
    from nlp_jtbd.errors import UsageError

    try:
        settings = Settings.from_env()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = f" JTBD_{str(first['loc'][0]).upper()}" if first["loc"] else ""
        message = first["msg"].removeprefix("Value error, ")
        raise UsageError(
            f"invalid service setting{where}: {message}",
            fix="correct the JTBD_* environment variable (see the README's HTTP API section)",
        ) from exc
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


def openapi() -> None:
    """Print the HTTP API's OpenAPI spec (JSON), e.g. to generate a client."""
    from api import create_app
    from api.settings import Settings

    spec = create_app(Settings(database_url="sqlite://", warmup=False)).openapi()
    print(json.dumps(spec, ensure_ascii=False, indent=2))


COMMANDS = [
    (serve, "**Example**\n\n  JTBD_ADMIN_KEY=change-me jtbd serve --port 8000"),
    (openapi, "**Example**\n\n  jtbd openapi > api/openapi.json"),
]
