"""``vnclaims review OUT``: the review app over HTTP (stdlib ThreadingHTTPServer).

Routes: ``/`` the flag list (filters in the query string), ``/flag?id=``, ``/docs``,
``/doc?id=``, ``/export.csv``, ``/static/<file>`` (the package's assets), ``/files/<path>``
(files of the output folder, e.g. report.html) and ``POST /api/decide``.

Safety: bound to 127.0.0.1 unless told otherwise; a path is served only when it resolves (after
symlinks) inside its folder; pages carry a Content-Security-Policy that allows no inline script;
a decision must be posted as JSON from the app's own origin, and while bound to a loopback
address the Host header must name one (a page on another site, or one reached through DNS
rebinding, cannot decide for the editor).
"""

from __future__ import annotations

import json
import mimetypes
import sys
import tempfile
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from pipeline.review.app import STATIC_DIR, ReviewApp
from pipeline.review.db import DecisionError

MAX_BODY = 64 * 1024
MAX_NOTE = 10_000
APP_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"  # report.html: no script
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}


def safe_path(root: Path, relative: str) -> Path | None:
    """``root/relative`` when it is an existing file inside ``root`` (symlinks resolved), else None."""
    if "\x00" in relative:
        return None
    root = root.resolve()
    try:
        path = (root / relative.lstrip("/")).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return None
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def _is_loopback(host: str) -> bool:
    try:
        return ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


class ReviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, app: ReviewApp, host: str, port: int) -> None:
        self.app = app
        self.loopback = _is_loopback(host)
        super().__init__((host, port), ReviewHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        shown = f"[{host}]" if ":" in str(host) else host
        return f"http://{shown}:{port}/"


class ReviewHandler(BaseHTTPRequestHandler):
    server: ReviewServer
    server_version = "vnclaims-review"
    sys_version = ""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # Quiet: a successful request is not news; a failed one goes to stderr.
        if str(getattr(code, "value", code)).startswith(("4", "5")):
            super().log_request(code, size)

    # --- responses -----------------------------------------------------------------------------

    def _send(
        self, status: int, body: bytes, ctype: str, csp: str = APP_CSP, extra: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", csp)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _html(self, text: str | None) -> None:
        if text is None:
            self._error(HTTPStatus.NOT_FOUND, "not found")
        else:
            self._send(200, text.encode("utf-8"), "text/html; charset=utf-8")

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def _error(self, status: int, message: str) -> None:
        self._send(status, message.encode("utf-8"), "text/plain; charset=utf-8")

    def _file(self, path: Path | None, csp: str) -> None:
        if path is None:
            self._error(HTTPStatus.NOT_FOUND, "not found")
            return
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
            ctype += "; charset=utf-8"
        self._send(200, path.read_bytes(), ctype, csp)

    def _host_ok(self) -> bool:
        if not self.server.loopback:
            return True
        host = self.headers.get("Host", "")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name.lower() in LOOPBACK_NAMES or _is_loopback(name)

    # --- routing -------------------------------------------------------------------------------

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        if not self._host_ok():
            self._error(HTTPStatus.MISDIRECTED_REQUEST, "unexpected Host header")
            return
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        route = unquote(url.path)
        app = self.server.app
        if route == "/":
            self._html(app.flags_page(query))
        elif route == "/flag":
            self._html(app.flag_page((query.get("id") or [""])[0]))
        elif route == "/docs":
            self._html(app.docs_page())
        elif route == "/doc":
            self._html(app.doc_page((query.get("id") or [""])[0]))
        elif route == "/export.csv":
            self._export()
        elif route.startswith("/static/"):
            self._file(safe_path(STATIC_DIR, route[len("/static/") :]), APP_CSP)
        elif route.startswith("/files/"):
            self._file(safe_path(app.out_dir, route[len("/files/") :]), FILE_CSP)
        else:
            self._error(HTTPStatus.NOT_FOUND, "not found")

    def _export(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            dest = Path(tmp) / "reviewed.csv"
            self.server.app.export(dest)
            body = dest.read_bytes()
        extra = {"Content-Disposition": 'attachment; filename="reviewed.csv"'}
        self._send(200, body, "text/csv; charset=utf-8", extra=extra)

    def do_POST(self) -> None:
        if not self._host_ok():
            self._error(HTTPStatus.MISDIRECTED_REQUEST, "unexpected Host header")
            return
        if urlsplit(self.path).path != "/api/decide":
            self._error(HTTPStatus.NOT_FOUND, "not found")
            return
        # JSON only: a cross-site form cannot send it without a CORS preflight, which is never granted.
        if self.headers.get_content_type() != "application/json":
            self._json(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, {"error": "send application/json"})
            return
        origin = self.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc != self.headers.get("Host", ""):
            self._json(HTTPStatus.FORBIDDEN, {"error": "cross-origin request"})
            return
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if not 0 < length <= MAX_BODY:
            self._json(HTTPStatus.BAD_REQUEST, {"error": "missing or too large body"})
            return
        try:
            data = json.loads(self.rfile.read(length))
            flag_id, decision = str(data["flag_id"]), str(data.get("decision", ""))
            note = str(data.get("note", ""))[:MAX_NOTE]
            base = data.get("base_version")
            base_version = int(base) if base is not None else None
        except (ValueError, KeyError, TypeError) as e:
            self._json(HTTPStatus.BAD_REQUEST, {"error": f"bad request: {e}"})
            return
        app = self.server.app
        if not app.known_flag(flag_id):
            self._json(HTTPStatus.NOT_FOUND, {"error": f"unknown flag {flag_id!r}"})
            return
        try:
            result = app.decide(flag_id, decision, note, base_version, client=str(data.get("client", ""))[:64])
        except DecisionError as e:
            self._json(HTTPStatus.BAD_REQUEST, {"error": str(e)})
            return
        self._json(HTTPStatus.OK, result)


def make_server(out_dir: Path | str, host: str = "127.0.0.1", port: int = 8765) -> ReviewServer:
    """A server over ``out_dir`` (port 0: any free port); call ``serve_forever()`` on it."""
    return ReviewServer(ReviewApp(out_dir), host, port)


def serve(out_dir: Path | str, host: str = "127.0.0.1", port: int = 8765) -> None:
    server = make_server(out_dir, host, port)
    print(f"vnclaims: reviewing {server.app.out_dir} at {server.url} (Ctrl+C to stop)", file=sys.stderr)
    if not server.loopback:
        print(f"vnclaims: listening on {host}: whoever reaches this address can read and decide", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
