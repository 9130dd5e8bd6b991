"""The IVR http node's requests against a real local HTTP server: every outcome is one answer."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from appliance.core.http_requests import HttpRequests
from appliance.ivr.actions import HttpPost


class _Service(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path == "/trickle":  # headers at once, then one byte every 0.3 s: never "timed out" per read
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.3)
            except BrokenPipeError:  # the appliance gave up, as it should
                pass
            return
        status, data = {"/ok": (200, json.dumps({"echo": body})), "/list": (200, "[1, 2]"),
                        "/text": (200, "balance: 5"), "/down": (503, "{}")}[self.path]
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def service():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Service)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _ask(url: str, timeout: float = 1.0) -> tuple[dict | None, str]:
    answers: list[tuple[dict | None, str]] = []

    async def run() -> None:
        requests = HttpRequests(lambda call_id, answer, error: answers.append((answer, error)))
        requests.start("c1", HttpPost(url=url, body={"card": "4000"}, timeout=timeout))
        while not answers:
            await asyncio.sleep(0.01)
        await requests.close()

    asyncio.run(run())
    [(answer, error)] = answers
    return answer, error


def test_a_json_object_answer_comes_back_with_no_error(service):
    answer, error = _ask(f"{service}/ok")
    assert (answer, error) == ({"echo": {"card": "4000"}}, "")


@pytest.mark.parametrize(("path", "error"), [
    ("/down", "status 503"),
    ("/list", "the answer is not a JSON object"),
    ("/text", "the answer is not JSON"),
])
def test_an_answer_that_cannot_be_used_says_why(service, path, error):
    assert _ask(f"{service}{path}") == (None, error)


def test_a_service_that_trickles_its_answer_is_cut_off_at_the_nodes_timeout(service):
    # The whole answer would take 30 s (and is not JSON): only the overall deadline says this.
    assert _ask(f"{service}/trickle", timeout=1.0) == (None, "no answer within 1 s")


def test_a_refused_connection_is_an_answer_too():
    answer, error = _ask("http://127.0.0.1:9/none")
    assert answer is None and error.startswith("ConnectError")
