"""HTTP front of the replica: a ThreadingHTTPServer in a background thread, with a request log."""

from __future__ import annotations

import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

from .site import ArticleRecord, Site


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        owner = self.server.owner
        hit = owner._count(self.path)
        resp = owner.site.respond(self.path, hit)
        if resp.delay:
            time.sleep(resp.delay)
        body = resp.body if isinstance(resp.body, bytes) else None
        length = len(body) if body is not None else resp.length
        try:
            self.send_response(resp.status)
            self.send_header("Content-Type", resp.content_type)
            if length is not None:
                self.send_header("Content-Length", str(length))
            else:  # no length: the end of the body is the end of the connection
                self.send_header("Connection", "close")
                self.close_connection = True
            for k, v in resp.headers.items():
                self.send_header(k, v)
            self.end_headers()
            if not send_body:
                return
            if body is not None:
                self.wfile.write(body)
            else:
                for chunk in resp.body:
                    self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        if self.server.owner.verbose:
            super().log_message(format, *args)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # The default backlog (5) drops connections when a crawler opens 32 at once; the client then waits
    # out a SYN retransmit (1 s) and a short DOWNLOAD_TIMEOUT fails pages that are not faulty.
    request_queue_size = 256
    owner: ReplicaServer


class ReplicaServer:
    """A running replica. `request_log` lists requested paths (with query) in arrival order;
    `timed_log` the same as (time.monotonic(), path) pairs."""

    def __init__(self, site: Site, host: str = "127.0.0.1", port: int = 0, verbose: bool = False) -> None:
        self.site = site
        self.verbose = verbose
        self._lock = threading.Lock()
        self._log: list[str] = []
        self._times: list[float] = []
        self._hits: Counter[str] = Counter()
        self._httpd = _HTTPServer((host, port), _Handler)
        self._httpd.owner = self
        self.host, self.port = self._httpd.server_address[:2]
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="replica", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def _count(self, raw_path: str) -> int:
        path = raw_path.split("?", 1)[0]
        with self._lock:
            self._log.append(raw_path)
            self._times.append(time.monotonic())
            self._hits[path] += 1
            return self._hits[path]

    @property
    def request_log(self) -> list[str]:
        with self._lock:
            return list(self._log)

    @property
    def timed_log(self) -> list[tuple[float, str]]:
        with self._lock:
            return list(zip(self._times, self._log, strict=True))

    def hits(self, path: str) -> int:
        with self._lock:
            return self._hits[path]

    def reset(self) -> None:
        """Forget the request log and the per-URL counters (the 500-twice page fails twice again)."""
        with self._lock:
            self._log.clear()
            self._times.clear()
            self._hits.clear()

    def publish_new(self, section: str = "hoat-dong", title: str | None = None) -> ArticleRecord:
        return self.site.publish(section, title)

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(site: Site, host: str = "127.0.0.1", port: int = 0, verbose: bool = False) -> ReplicaServer:
    """Serve `site` from a background thread; port 0 picks a free port (see `.base_url`)."""
    return ReplicaServer(site, host, port, verbose).start()
