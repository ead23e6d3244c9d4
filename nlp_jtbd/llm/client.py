"""A small client of the OpenAI chat-completions protocol, with time-outs and retries.

Only ``POST {url}/v1/chat/completions`` is used, which every OpenAI-compatible server
implements. Errors name the server and what to do; a server that does
not answer in time, or answers 429/5xx, is retried ``max_retries`` times with backoff.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from nlp_jtbd.errors import ServiceError, UsageError

RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Reply:
    """One answer: its text, the model the server says answered, and how it went."""

    text: str
    model: str
    seconds: float
    attempts: int


def endpoint(url: str, path: str) -> str:
    """``url`` (with or without a trailing ``/v1``) joined with an API ``path``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(
            f"`llm_url` must be an http(s) address, got {url!r}",
            fix="give the server's base address, e.g. http://127.0.0.1:11434 for Ollama",
        )
    base = url.rstrip("/")
    if base.endswith("/v1"):
        base = base[: -len("/v1")]
    return f"{base}/v1/{path.lstrip('/')}"


class ChatClient:
    """Chat completions from one model of an OpenAI-compatible server."""

    def __init__(
        self,
        url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout: float = 60.0,
        max_retries: int = 2,
        backoff: float = 0.5,
    ) -> None:
        if timeout <= 0:
            raise UsageError(f"`llm_timeout` must be positive, got {timeout}")
        if max_retries < 0:
            raise UsageError(f"`llm_retries` must be 0 or more, got {max_retries}")
        self.url = url
        self.model = model
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self._chat = endpoint(url, "chat/completions")
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.Client(timeout=timeout, headers=headers)

    def close(self) -> None:
        self._http.close()

    def chat(
        self,
        messages: list[dict[str, str]],
        *,
        max_tokens: int = 32,
        temperature: float = 0.0,
        stop: list[str] | None = None,
    ) -> Reply:
        """The model's answer to ``messages`` (``role``/``content`` dicts), cut at ``stop``."""
        body: dict[str, object] = {
            "model": self.model,
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": temperature,
            "stream": False,
        }
        if stop:
            body["stop"] = stop
        started = time.perf_counter()
        response, attempts = self._send_counted("POST", self._chat, body)
        try:
            payload = response.json()
            message = payload["choices"][0]["message"]
            text = message.get("content") or ""
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise ServiceError(
                f"the language-model server at {self.url} answered without a chat completion "
                f"({response.text[:200]!r})",
                fix="check that `llm_url` points at an OpenAI-compatible server (its "
                "/v1/chat/completions route)",
            ) from exc
        return Reply(
            text=str(text),
            model=str(payload.get("model") or self.model),
            seconds=time.perf_counter() - started,
            attempts=attempts,
        )

    def _send(self, method: str, url: str, body: dict | None) -> httpx.Response:
        return self._send_counted(method, url, body)[0]

    def _send_counted(self, method: str, url: str, body: dict | None) -> tuple[httpx.Response, int]:
        last = ""
        for attempt in range(1, self.max_retries + 2):
            try:
                response = self._http.request(method, url, json=body)
            except httpx.TimeoutException:
                last = f"no answer within {self.timeout:g} s"
            except httpx.TransportError as exc:
                last = f"cannot connect ({type(exc).__name__}: {exc})"
            else:
                if response.status_code < 400:
                    return response, attempt
                detail = response.text[:300]
                if response.status_code not in RETRY_STATUS:
                    raise ServiceError(
                        f"the language-model server at {self.url} refused the request "
                        f"(HTTP {response.status_code}: {detail})",
                        fix=f"check that it serves the model {self.model!r} (`llm_model`) and "
                        "that `llm_url` is its base address",
                    )
                last = f"HTTP {response.status_code}: {detail}"
            if attempt <= self.max_retries:
                time.sleep(self.backoff * 2 ** (attempt - 1))
        raise ServiceError(
            f"the language-model server at {self.url} failed after "
            f"{self.max_retries + 1} attempts: {last}",
            fix="start the server (e.g. `ollama serve`), check `llm_url`, or raise "
            "`llm_timeout` for a slow machine",
        )
