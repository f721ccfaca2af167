"""A tiny HTTP server on 127.0.0.1 for tests of downloads: it serves bytes from a dict and records each request."""

from __future__ import annotations

import http.server
import threading


class LocalServer:
    """A tiny HTTP server on 127.0.0.1 serving files from a dict, recording each request."""

    def __init__(self, routes: dict[str, tuple[bytes, dict]]):
        routes_ = routes
        self.requests: list[str] = []
        requests = self.requests

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                requests.append(self.path)
                if self.path not in routes_:
                    self.send_response(404)
                    self.end_headers()
                    return
                body, headers = routes_[self.path]
                self.send_response(200)
                self.send_header("Content-Length", str(headers.get("length", len(body))))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        # A short poll: shutdown() waits for the serving loop to notice (0.5 s by default, in every test).
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
