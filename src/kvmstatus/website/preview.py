"""A built site served on loopback, to read it as its readers will.

Opened from the file system, a page of the site works but two things do not: Material's
search box (it loads its index with a request a `file://` page may not make) and the
interactive charts (the same, for their specs; the static SVGs stay). `preview_server`
serves the directory over HTTP on 127.0.0.1 only, read-only, with nothing logged per
request; `kvmstatus preview` runs it until Ctrl-C.
"""

from __future__ import annotations

import errno
import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from kvmstatus.errors import UserError
from kvmstatus.website.sitedir import MARKER

HOST = "127.0.0.1"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class PreviewServer(ThreadingHTTPServer):
    # Requests in flight do not keep the process alive once the server is asked to stop.
    daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"


def preview_server(site: Path, port: int = 8000) -> PreviewServer:
    """A server for the built site `site` on 127.0.0.1:`port` (0: any free port), bound and
    ready: `serve_forever` it, `shutdown` and `server_close` it."""
    if not (site / "index.html").is_file() or not (site / MARKER).is_file():
        raise UserError(
            f"{site} is not a site kvmstatus built: build one with `kvmstatus site --data DATA "
            f"--out {site}` (or `kvmstatus run --out {site}`) first"
        )
    handler = functools.partial(_Quiet, directory=str(site.resolve()))
    try:
        return PreviewServer((HOST, port), handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UserError(
                f"port {port} on {HOST} is in use: pass --port N (--port 0 picks a free one)"
            ) from None
        raise UserError(f"cannot serve on {HOST}:{port}: {exc.strerror}") from None
