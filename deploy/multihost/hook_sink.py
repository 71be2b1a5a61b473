"""The webhook receiver on the mail host: accepts every POST and appends one JSON line per
delivery (its webhook-id, event type, whether its signature verified) to a file, so the run
counts every webhook delivered and every one delivered twice.

    python -m deploy.multihost.hook_sink ADDRESS PORT FILE SECRET_FILE
"""

from __future__ import annotations

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from standardwebhooks import Webhook, WebhookVerificationError


class Receiver(BaseHTTPRequestHandler):
    lock = threading.Lock()
    path_out: Path
    secret_file: Path

    def do_POST(self):  # noqa: N802 (http.server's hook name)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:  # the secret is written once the seed subscribed (after this host started)
            Webhook(self.secret_file.read_text().strip()).verify(body, dict(self.headers))
            verified = True
        except (OSError, WebhookVerificationError, ValueError):
            verified = False
        line = json.dumps(
            {
                "id": self.headers.get("webhook-id"),
                "type": json.loads(body or b"{}").get("type"),
                "verified": verified,
                "at": time.time(),
            }
        )
        with self.lock, self.path_out.open("a") as out:
            out.write(line + "\n")
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):  # one line per delivery is in the file already
        pass


def main() -> None:
    host, port, path, secret_file = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
    Receiver.path_out, Receiver.secret_file = path, secret_file
    server = ThreadingHTTPServer((host, port), Receiver)
    print(f"webhook receiver on {host}:{port} writing {path}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
