"""The mail host: an SMTP server that accepts everything and appends one JSON line per message
(Message-ID, recipients, subject) to a file, so the run counts every delivery and duplicate.

    python -m deploy.multihost.smtp_sink ADDRESS PORT FILE
"""

from __future__ import annotations

import email
import email.policy
import json
import sys
import threading
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, path: str):
        self.path, self.lock = path, threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        line = json.dumps(
            {
                "id": message["Message-ID"],
                "to": envelope.rcpt_tos,
                "subject": str(message["Subject"]),
                "at": time.time(),
            }
        )
        with self.lock, open(self.path, "a") as out:
            out.write(line + "\n")
        return "250 OK"


def main() -> None:
    host, port, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    controller = Controller(Sink(path), hostname=host, port=port)
    controller.start()
    print(f"SMTP sink on {host}:{port} writing {path}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
