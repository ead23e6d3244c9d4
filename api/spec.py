"""The OpenAPI document as clients read it: every error response declared as one problem+json
schema, upload fields as binary files, operation ids named after the routes.

FastAPI's own document would declare only a 422 ``HTTPValidationError`` (which the server never
sends) and, under OpenAPI 3.1, upload fields as ``contentMediaType`` strings that generated
clients send as plain text; :func:`openapi` builds the served (and committed) document."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, iter_route_contexts

from api.deps import get_caller, get_job, get_project
from api.problems import PROBLEM
from api.schemas import ProblemDetails

REF = "#/components/schemas/"
PROBLEM_SCHEMA = "Problem"
ERRORS = {
    400: "The body could not be parsed (malformed multipart or JSON that is not UTF-8)",
    401: "No API key, or an unknown one",
    403: "The key may not do this",
    404: "No such resource, or not one this key may see",
    409: "Conflicts with the resource's state (e.g. an analysis that has not succeeded)",
    413: "The request is larger than a limit (the detail names it)",
    422: "Invalid input (the detail names the field; `errors` lists every one)",
    429: "Too many requests waiting: retry after `Retry-After` seconds",
    503: "The service is saturated: retry after `Retry-After` seconds",
}
_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before retrying",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    }
}


def problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: each status answered as problem+json."""
    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        out[code] = {
            "description": ERRORS[code],
            "content": {PROBLEM: {"schema": {"$ref": REF + PROBLEM_SCHEMA}}},
        }
        if code in (429, 503):
            out[code]["headers"] = _RETRY_AFTER
    return out


def operation_id(route: APIRoute) -> str:
    """A route's operation id (and the generated client's function name): its name."""
    return route.name


def _dependencies(dependant: Dependant) -> Iterator[Dependant]:
    for sub in dependant.dependencies:
        yield sub
        yield from _dependencies(sub)


def implied_errors(route: APIRoute) -> tuple[int, ...]:
    """The errors a route can answer because of what it depends on: 401 with a key, 404 with
    a project or analysis in its path, 422 with parameters or a body, 400 and 413 with a body
    (unparsable, or over the request limit)."""
    calls = {d.call for d in _dependencies(route.dependant)}
    params = any(
        d.path_params or d.query_params or d.header_params
        for d in (route.dependant, *_dependencies(route.dependant))
    )
    codes = []
    if get_caller in calls:
        codes.append(401)
    if calls & {get_project, get_job}:
        codes.append(404)
    if route.body_field is not None:
        codes += [400, 413]
    if params or route.body_field is not None:
        codes.append(422)
    return tuple(codes)


def _declare_errors(app: FastAPI, spec: dict[str, Any]) -> None:
    """Each operation's implied errors added to those its decorator declares, in place of
    FastAPI's default 422 (an ``HTTPValidationError`` the server never sends)."""
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute) or not context.include_in_schema:
            continue
        for method in context.methods:
            operation = spec["paths"][context.path_format][method.lower()]
            responses = operation["responses"]
            default = responses.get("422", {}).get("content", {}).get("application/json", {})
            if default.get("schema", {}).get("$ref") == REF + "HTTPValidationError":
                del responses["422"]
            for code, response in problems(*implied_errors(route)).items():
                responses.setdefault(str(code), response)
            operation["responses"] = dict(sorted(responses.items()))


def _binary_files(node: object) -> None:
    """Upload fields as OpenAPI's binary strings (``format: binary``), which generated
    clients send as files, instead of 3.1's ``contentMediaType``."""
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("contentMediaType") == (
            "application/octet-stream"
        ):
            del node["contentMediaType"]
            node["format"] = "binary"
        for value in node.values():
            _binary_files(value)
    elif isinstance(node, list):
        for value in node:
            _binary_files(value)


def openapi(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI document (built once)."""
    if app.openapi_schema is None:
        spec = get_openapi(
            title=app.title,
            version=app.version,
            openapi_version=app.openapi_version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
            servers=app.servers,
            separate_input_output_schemas=app.separate_input_output_schemas,
        )
        _declare_errors(app, spec)
        schemas = spec.setdefault("components", {}).setdefault("schemas", {})
        problem = ProblemDetails.model_json_schema(ref_template=REF + "{model}")
        schemas.update(problem.pop("$defs", {}))
        schemas[PROBLEM_SCHEMA] = problem
        if "HTTPValidationError" not in json.dumps(spec["paths"]):
            schemas.pop("HTTPValidationError", None)
            schemas.pop("ValidationError", None)
        _binary_files(spec)
        spec["components"]["schemas"] = dict(sorted(schemas.items()))
        app.openapi_schema = spec
    return app.openapi_schema


def install(app: FastAPI) -> None:
    """Serve :func:`openapi` at /openapi.json."""
    app.openapi = lambda: openapi(app)  # type: ignore[method-assign]
