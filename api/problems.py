"""Every error as JSON problem details (RFC 9457): type, title, status, detail, instance, fix
(and, for invalid requests, ``errors``), in the shape of ``api.schemas.ProblemDetails``."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.schemas import ProblemDetails, ValidationIssue
from nlp_jtbd.errors import JTBDError

PROBLEM = "application/problem+json"


class Problem(Exception):
    """Raise to answer with a problem+json response."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        fix: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.fix = status, title, detail, fix
        self.headers = headers or {}


def as_response(exc: Problem, instance: str | None = None) -> JSONResponse:
    """The problem+json response of a raised :class:`Problem` (with its headers)."""
    response = problem(exc.status, exc.title, exc.detail, exc.fix, instance=instance)
    response.headers.update(exc.headers)
    return response


def _text(value: str | None) -> str | None:
    """Text that can be sent as UTF-8 (a lone surrogate echoed from the input becomes '?')."""
    return None if value is None else value.encode("utf-8", "replace").decode("utf-8")


def problem(
    status: int,
    title: str,
    detail: str,
    fix: str | None = None,
    *,
    instance: str | None = None,
    errors: list[ValidationIssue] | None = None,
) -> JSONResponse:
    body = ProblemDetails(
        title=_text(title),
        status=status,
        detail=_text(detail),
        instance=_text(instance),
        fix=_text(fix) or None,
        errors=errors,
    )
    return JSONResponse(
        body.model_dump(mode="json", exclude_none=True), status_code=status, media_type=PROBLEM
    )


def _issues(exc: RequestValidationError, limit: int = 50) -> list[ValidationIssue]:
    return [
        ValidationIssue(
            loc=[p if isinstance(p, int) else _text(str(p)) for p in error.get("loc", ())],
            msg=_text(str(error.get("msg", "invalid"))),
            type=str(error.get("type", "invalid")),
        )
        for error in exc.errors()[:limit]
    ]


def _allowed(request: Request) -> str:
    """The methods of the request's path (routing reports only the first route's), from the
    most specific path templates that match it (``/documents/text`` over
    ``/documents/{document_id}``)."""
    matching: dict[str, set[str]] = {}
    for route in iter_route_contexts(request.app.routes):
        regex = getattr(route, "path_regex", None)
        if regex is not None and regex.match(request.scope["path"]):
            methods = matching.setdefault(route.path_format, set())
            methods |= set(getattr(route, "methods", None) or ())
    fewest = min((template.count("{") for template in matching), default=0)
    allowed = {m for t, methods in matching.items() if t.count("{") == fewest for m in methods}
    return ", ".join(sorted(allowed))


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return as_response(exc, instance=request.url.path)

    @app.exception_handler(JTBDError)
    async def _user_error(request: Request, exc: JTBDError) -> JSONResponse:
        detail = f"{exc.where}: {exc.what}" if exc.where else exc.what
        return problem(422, "Unprocessable input", detail, exc.fix, instance=request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        issues = _issues(exc) or [ValidationIssue(loc=[], msg="invalid request", type="invalid")]
        first, more = issues[0], len(exc.errors()) - 1
        detail = f"{'.'.join(str(p) for p in first.loc)}: {first.msg}"
        return problem(
            422,
            "Invalid request",
            detail + (f" (and {more} more in `errors`)" if more > 0 else ""),
            "see the OpenAPI description at /openapi.json",
            instance=request.url.path,
            errors=issues,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        titles = {
            401: "Unauthorized",
            403: "Forbidden",
            404: "Not found",
            405: "Method not allowed",
            413: "Payload too large",
        }
        response = problem(
            exc.status_code,
            titles.get(exc.status_code, "Error"),
            str(exc.detail),
            instance=request.url.path,
        )
        response.headers.update(exc.headers or {})
        if exc.status_code == 405:
            response.headers["Allow"] = _allowed(request)
        return response

    @app.exception_handler(Exception)
    async def _internal(_: Request, exc: Exception) -> JSONResponse:
        return problem(
            500,
            "Internal error",
            f"{exc.__class__.__name__}: an unexpected error",
            "this is a bug in nlp_jtbd; please report it",
        )
