"""A local stand-in for GOV.UK Notify's API (POST /v2/notifications/sms), for the real client.

It checks the client's JWT as Notify does (HS256 signed with the key's secret, ``iss`` the
service id), records each text, and answers like Notify; ``fail_with`` makes it refuse.
"""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

SERVICE_ID, SECRET = str(uuid.uuid4()), str(uuid.uuid4())
API_KEY = f"test_key-{SERVICE_ID}-{SECRET}"


class NotifyStandIn:
    """Notify on 127.0.0.1:``port``; ``texts`` holds each accepted request body."""

    def __init__(self):
        self.texts: list[dict] = []
        self.fail_with: int | None = None
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # no request lines on the test output
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                try:
                    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
                    ok = claims.get("iss") == SERVICE_ID and self.path == "/v2/notifications/sms"
                except jwt.InvalidTokenError:
                    ok = False
                if not ok or stand_in.fail_with:
                    status = stand_in.fail_with or 403
                    return self._answer(status, {"status_code": status, "errors": [
                        {"error": "BadRequestError" if ok else "AuthError", "message": "refused"}]})
                stand_in.texts.append(body)
                self._answer(201, {"id": str(uuid.uuid4()), "reference": body.get("reference"),
                                   "content": {"body": body["personalisation"].get("body", ""),
                                               "from_number": "GOVUK"},
                                   "uri": "",
                                   "template": {"id": body["template_id"], "version": 1, "uri": ""}})

            def _answer(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> NotifyStandIn:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
