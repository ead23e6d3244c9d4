"""Every error as JSON problem details (RFC 9457): type, title, status, detail, fix."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from nlp_jtbd.errors import JTBDError

PROBLEM = "application/problem+json"


class Problem(Exception):
    """Raise to answer with a problem+json response."""

    def __init__(self, status: int, title: str, detail: str, fix: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.fix = status, title, detail, fix


def problem(status: int, title: str, detail: str, fix: str | None = None) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if fix:
        body["fix"] = fix
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(_: Request, exc: Problem) -> JSONResponse:
        return problem(exc.status, exc.title, exc.detail, exc.fix)

    @app.exception_handler(JTBDError)
    async def _user_error(_: Request, exc: JTBDError) -> JSONResponse:
        detail = f"{exc.where}: {exc.what}" if exc.where else exc.what
        return problem(422, "Unprocessable input", detail, exc.fix)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return problem(
            422,
            "Invalid request",
            f"{where}: {first.get('msg')}",
            "see the OpenAPI description at /openapi.json",
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        titles = {
            401: "Unauthorized",
            403: "Forbidden",
            404: "Not found",
            405: "Method not allowed",
            413: "Payload too large",
        }
        return problem(exc.status_code, titles.get(exc.status_code, "Error"), str(exc.detail))

    @app.exception_handler(Exception)
    async def _internal(_: Request, exc: Exception) -> JSONResponse:
        return problem(
            500,
            "Internal error",
            f"{exc.__class__.__name__}: an unexpected error",
            "this is a bug in nlp_jtbd; please report it",
        )
