"""Request bodies checked before any route reads them: no body over ``JTBD_MAX_REQUEST_MB``
(413), and no JSON string with a lone UTF-16 surrogate (``"\\ud800"``: valid JSON, but not
text that can be stored or embedded; 422), so no route saves half of such a request."""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from api.problems import Problem, as_response

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def too_large(limit: int) -> Problem:
    return Problem(
        413,
        "Payload too large",
        f"the request body is larger than {limit / 1e6:g} MB (JTBD_MAX_REQUEST_MB)",
        "send less per request, or raise JTBD_MAX_REQUEST_MB",
    )


def lone_surrogate(value: object, where: str = "body") -> str | None:
    """Where in a parsed JSON value a string holds a lone surrogate (None: nowhere)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return where
        return None
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        if isinstance(key, str) and lone_surrogate(key) is not None:
            return f"{where}.{key!r}"
        found = lone_surrogate(item, f"{where}.{key}")
        if found:
            return found
    return None


class BodyGuard:
    """ASGI middleware: bounds every request body and refuses lone surrogates in JSON."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or ())
        length = headers.get(b"content-length", b"").strip()
        if length and (not length.isdigit() or int(length) > self.max_bytes):
            await _answer(scope, receive, send, too_large(self.max_bytes))
            return
        if headers.get(b"content-type", b"").split(b";")[0].strip() == b"application/json":
            body, more = b"", True
            while more:
                message = await receive()
                if message["type"] != "http.request":
                    break
                body += message.get("body", b"")
                more = message.get("more_body", False)
                if len(body) > self.max_bytes:
                    await _answer(scope, receive, send, too_large(self.max_bytes))
                    return
            problem = _surrogate_problem(body)
            if problem is not None:
                await _answer(scope, receive, send, problem)
                return
            await self.app(scope, _replay(body, receive), send)
            return
        await self.app(scope, self._counting(receive), send)

    def _counting(self, receive: Receive) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise too_large(self.max_bytes)
            return message

        return counted


def _surrogate_problem(body: bytes) -> Problem | None:
    if not _SURROGATE_ESCAPE.search(body):
        return None
    try:
        where = lone_surrogate(json.loads(body))
    except ValueError:
        return None  # the route answers malformed JSON with its own 422
    if where is None:
        return None
    return Problem(
        422,
        "Invalid request",
        f"{where}: a string holds a lone UTF-16 surrogate (an escape like \\ud800 without its "
        "pair), which is not text",
        "send valid Unicode: escape characters outside the BMP as a surrogate pair, or send UTF-8",
    )


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


async def _answer(scope: Scope, receive: Receive, send: Send, problem: Problem) -> None:
    response = as_response(problem)
    await response(scope, receive, send)


__all__ = ["BodyGuard", "lone_surrogate", "too_large"]
