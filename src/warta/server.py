"""`warta serve`: a small web page and JSON API over a pipeline, on the standard library only.

Routes:

- ``GET /``: one page: paste Indonesian text, optionally a publication date,
  press Extract, see the HTML view of `warta.render`;
- ``POST /extract``: JSON ``{"text": str, "date": "YYYY-MM-DD" | null,
  "html": bool}`` → ``{"records": [...], "document": {...}}`` (plus ``"html"``,
  the rendered fragment, when asked for);
- ``GET /health``: ``{"status": "ok"}``.

Errors are JSON ``{"error": {"status": N, "message": "..."}}``: 400 (body is
not UTF-8 JSON), 403 (foreign Host header while bound to loopback), 404, 405,
408 (body too slow), 411 (no Content-Length), 413 (body over the limit, 1 MB
by default), 415 (not application/json), 422 (JSON that is not a valid
request), 500 (extraction failed; the traceback goes to the server's log).
The server binds to 127.0.0.1 unless told otherwise, and serves one
extraction at a time (the model uses all cores anyway).
"""

from __future__ import annotations

import datetime as _dt
import ipaddress
import json
import secrets
import socket
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Protocol
from urllib.parse import urlsplit

from .schema import Document

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "MAX_BODY_BYTES", "WartaServer", "make_server", "serve"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
MAX_BODY_BYTES = 1_000_000
REQUEST_KEYS = ("text", "date", "html")


class Extracts(Protocol):
    """What the server needs from a pipeline: `warta.Pipeline` or anything with the same `extract`."""

    def extract(self, text: str, *, date: Any = None) -> Document: ...


class RequestError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _parse_date(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RequestError(422, f"'date' must be an ISO date string such as 2024-05-14, got {type(value).__name__}")
    try:
        return _dt.date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        raise RequestError(422, f"'date' must be an ISO date such as 2024-05-14, got {value!r}") from None


def parse_request(body: bytes) -> tuple[str, str | None, bool]:
    """(text, date, html) from a request body, or RequestError with a 400/422 status."""
    try:
        raw = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RequestError(400, f"body is not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        payload = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise RequestError(400, f"body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise RequestError(400, "body is JSON nested too deeply") from None
    if not isinstance(payload, dict):
        raise RequestError(422, f"body must be a JSON object with a 'text' string, got {type(payload).__name__}")
    unknown = sorted(set(payload) - set(REQUEST_KEYS))
    if unknown:
        raise RequestError(422, f"unknown key(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(REQUEST_KEYS)}")
    if "text" not in payload:
        raise RequestError(422, "missing 'text': the article to extract from")
    text = payload["text"]
    if not isinstance(text, str):
        raise RequestError(422, f"'text' must be a string, got {type(text).__name__}")
    if not text.strip():
        raise RequestError(422, "'text' is empty")
    html = payload.get("html", False)
    if not isinstance(html, bool):
        raise RequestError(422, "'html' must be true or false")
    return text, _parse_date(payload.get("date")), html


class WartaServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer holding the pipeline, the body limit and the allowed Host names."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], pipeline: Extracts, *, max_bytes: int = MAX_BODY_BYTES,
                 quiet: bool = False) -> None:
        host = address[0]
        if ":" in host.strip("[]"):
            self.address_family = socket.AF_INET6
            address = (host.strip("[]"), address[1])
        super().__init__(address, Handler)
        self.pipeline = pipeline
        self.max_bytes = max_bytes
        self.quiet = quiet
        self.lock = threading.Lock()
        # bound to loopback: refuse requests for other host names (DNS rebinding)
        self.allowed_hosts: set[str] | None = (
            {"localhost", "127.0.0.1", "::1", host.strip("[]").lower()} if _is_loopback(host) else None)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else host
        return f"http://{shown}:{port}/"

    def extract(self, text: str, date: str | None, html: bool) -> dict[str, Any]:
        from .pipeline import records_of

        with self.lock:
            doc = self.pipeline.extract(text, date=date)
        out: dict[str, Any] = {"records": [r.to_dict() for r in records_of(doc)], "document": doc.to_dict()}
        if html:
            from .render import render

            out["html"] = render(doc, full_page=False)
        return out


class Handler(BaseHTTPRequestHandler):
    server: WartaServer
    protocol_version = "HTTP/1.1"
    server_version = "warta"
    timeout = 60  # seconds a client may stay silent while sending a request (or between keep-alive requests)

    def version_string(self) -> str:
        return self.server_version

    # -- plumbing
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        if not self.server.quiet:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(obj, ensure_ascii=False).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8", headers)

    def _error(self, err: RequestError) -> None:
        self._json(err.status, {"error": {"status": err.status, "message": err.message}}, err.headers)

    def _route(self) -> str:
        return urlsplit(self.path).path

    def _check_host(self) -> None:
        allowed = self.server.allowed_hosts
        host = self.headers.get("Host")
        if allowed is None or host is None:
            return
        name = host.strip().lower()
        if name.startswith("["):
            name = name[1:name.find("]")] if "]" in name else name
        elif name.count(":") == 1:
            name = name.split(":")[0]
        if name not in allowed:
            raise RequestError(403, f"Host {host!r} is not allowed: this server only answers to "
                                    f"{', '.join(sorted(allowed))}")

    def _unread_body(self) -> bool:
        return not self._read and (bool(self.headers.get("Transfer-Encoding"))
                                   or self.headers.get("Content-Length", "0").strip() not in ("", "0"))

    def _handle(self, method: str) -> None:
        self._read = False
        try:
            self._check_host()
            route = self._route()
            routes = {"/": ("GET", "HEAD"), "/index.html": ("GET", "HEAD"), "/health": ("GET", "HEAD"),
                      "/extract": ("POST",)}
            if route not in routes:
                raise RequestError(404, f"no such page: {route} (try / or POST /extract)")
            if method not in routes[route]:
                raise RequestError(405, f"{method} is not allowed on {route}; use {' or '.join(routes[route])}",
                                   {"Allow": ", ".join(routes[route])})
            if route == "/extract":
                self._extract()
            elif route == "/health":
                self._json(200, {"status": "ok"})
            else:
                nonce = secrets.token_urlsafe(16)
                csp = (f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; "
                       "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; "
                       "frame-ancestors 'none'")
                self._send(200, page(nonce, self.server.max_bytes).encode("utf-8"), "text/html; charset=utf-8",
                           {"Content-Security-Policy": csp})
        except RequestError as err:
            if self._unread_body():
                self.close_connection = True  # the rest of the request would be read as the next one
            self._error(err)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except TimeoutError:  # the body did not arrive in time
            self.close_connection = True
            self._error(RequestError(408, f"the request body did not arrive within {self.timeout} s"))
        except Exception:  # noqa: BLE001 - a bug must give a 500, not a dropped connection
            traceback.print_exc(file=sys.stderr)
            self.close_connection = True
            self._error(RequestError(500, "internal error while extracting; see the server log"))

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            raise RequestError(411, "chunked bodies are not supported: send a Content-Length")
        length = self.headers.get("Content-Length")
        if length is None:
            raise RequestError(411, "a Content-Length header is required")
        try:
            n = int(length)
            if n < 0:
                raise ValueError
        except ValueError:
            raise RequestError(400, f"bad Content-Length {length!r}") from None
        if n > self.server.max_bytes:
            raise RequestError(413, f"body of {n} bytes is over the limit of {self.server.max_bytes} bytes")
        ctype = self.headers.get("Content-Type", "")
        media, _, params = ctype.partition(";")
        if media.strip().lower() != "application/json":
            raise RequestError(415, f"Content-Type must be application/json, got {ctype or 'none'!r}")
        charset = params.strip().lower()
        if charset.startswith("charset=") and charset[8:].strip('"') not in ("utf-8", "utf8"):
            raise RequestError(415, f"charset must be utf-8, got {charset[8:]!r}")
        body = self.rfile.read(n)
        self._read = True
        if len(body) < n:
            self.close_connection = True
            raise RequestError(400, f"body ended after {len(body)} of {n} bytes")
        return body

    def _extract(self) -> None:
        text, date, html = parse_request(self._body())
        self._json(200, self.server.extract(text, date, html))

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._handle("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._handle("HEAD")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self._handle("PUT")

    def do_DELETE(self) -> None:  # noqa: N802
        self._handle("DELETE")

    def do_PATCH(self) -> None:  # noqa: N802
        self._handle("PATCH")


def make_server(pipeline: Extracts | None = None, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                model: str | None = None, max_bytes: int = MAX_BODY_BYTES, quiet: bool = False) -> WartaServer:
    """A bound, not yet running server (call ``serve_forever()``; port 0 picks a free port, see ``.url``).

    `pipeline` is anything with ``extract(text, date=...) -> Document``; by
    default ``warta.load(model)`` (the shipped model when `model` is None).
    """
    if pipeline is None:
        from .pipeline import load

        pipeline = load(model)
    return WartaServer((host, port), pipeline, max_bytes=max_bytes, quiet=quiet)


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *, model: str | None = None,
          pipeline: Extracts | None = None, max_bytes: int = MAX_BODY_BYTES, quiet: bool = False,
          log: Callable[[str], None] = lambda m: print(m, file=sys.stderr, flush=True)) -> None:
    """Run the server until Ctrl-C."""
    server = make_server(pipeline, host=host, port=port, model=model, max_bytes=max_bytes, quiet=quiet)
    if not _is_loopback(host):
        log(f"warning: listening on {host}, reachable from other machines; there is no authentication")
    log(f"warta: serving on {server.url} (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>warta: extract</title>
<link rel="icon" href="data:,">
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#1a1a1a;background:#fff;margin:1rem auto;max-width:75rem;padding:0 1.5rem;line-height:1.5}
h1{font-size:1.5rem;margin:.5rem 0}
label{font-weight:600;display:block;margin:.6rem 0 .2rem}
textarea{width:100%;min-height:11rem;font:inherit;padding:.5rem;box-sizing:border-box;border:1px solid #767676;border-radius:.3rem}
input[type=date]{font:inherit;padding:.25rem;border:1px solid #767676;border-radius:.3rem}
.row{display:flex;gap:1.5rem;align-items:flex-end;flex-wrap:wrap}
button{font:inherit;font-weight:700;padding:.45rem 1.4rem;background:#0b57d0;color:#fff;border:0;border-radius:.3rem;cursor:pointer;margin-top:.6rem}
button:disabled{background:#5f6368}
button:focus-visible,textarea:focus-visible,input:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}
#status{margin:.8rem 0;min-height:1.5rem}
#status.error{color:#a50e0e;font-weight:600}
.hint{color:#444;font-size:.9rem}
details{margin:1rem 0}
pre{background:#f6f8fa;padding:.6rem;overflow:auto;max-height:30rem;font-size:.8rem}
</style></head>
<body>
<h1>warta: structured records from Indonesian news text</h1>
<form id="form">
<label for="text">Article text (Bahasa Indonesia)</label>
<textarea id="text" name="text" lang="id" required placeholder="Tempel teks berita di sini..."></textarea>
<div class="row">
<div><label for="date">Publication date (optional)</label>
<input type="date" id="date" name="date"></div>
<div><button id="extract" type="submit">Extract</button></div>
</div>
<p class="hint">Up to __MAX__ bytes. The text is sent to this server only.</p>
</form>
<div id="status" role="status" aria-live="polite"></div>
<div id="result"></div>
<details id="json-box" hidden><summary>Event records as JSON</summary><pre id="json"></pre></details>
<script nonce="__NONCE__">
(function () {
  var form = document.getElementById("form");
  var button = document.getElementById("extract");
  var status = document.getElementById("status");
  var result = document.getElementById("result");
  var jsonBox = document.getElementById("json-box");
  var jsonPre = document.getElementById("json");
  function say(message, isError) {
    status.textContent = message;
    status.className = isError ? "error" : "";
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = document.getElementById("text").value;
    var date = document.getElementById("date").value || null;
    if (!text.trim()) { say("Please paste some text first.", true); return; }
    button.disabled = true;
    say("Extracting\u2026", false);
    fetch("extract", {method: "POST", headers: {"Content-Type": "application/json"},
                      body: JSON.stringify({text: text, date: date, html: true})})
      .then(function (res) {
        return res.json().catch(function () { return {error: {message: res.statusText}}; })
          .then(function (data) { return {ok: res.ok, status: res.status, data: data}; });
      })
      .then(function (r) {
        if (!r.ok) {
          result.replaceChildren();
          jsonBox.hidden = true;
          say("Error " + r.status + ": " + ((r.data.error || {}).message || "request failed"), true);
          return;
        }
        result.innerHTML = r.data.html;
        jsonPre.textContent = JSON.stringify(r.data.records, null, 1);
        jsonBox.hidden = false;
        say(r.data.records.length + " events, " + r.data.document.entities.length + " entities, "
            + r.data.document.relations.length + " relations.", false);
      })
      .catch(function (err) { say("Request failed: " + err, true); })
      .finally(function () { button.disabled = false; });
  });
})();
</script>
</body></html>
"""


def page(nonce: str, max_bytes: int = MAX_BODY_BYTES) -> str:
    """The one HTML page (its script runs under a per-response CSP nonce)."""
    return _PAGE.replace("__NONCE__", nonce).replace("__MAX__", f"{max_bytes:,}")
