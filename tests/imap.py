"""A real IMAP server for tests: Dovecot (Debian's dovecot-imapd), run on loopback with its own
configuration, state and Maildir in a temporary folder; no system service is touched."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.services import free_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "center", "imap-test-password"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login{oauth2_mechanisms}
default_internal_user = {mail_user}
default_login_user = {mail_user}
mail_location = maildir:{root}/mail/%u
first_valid_uid = 1
{oauth2_passdb}passdb {{
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {ssl_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


OAUTH2_PASSDB = """\
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/oauth2.conf.ext
}}
"""
# Dovecot asks this URL whether a bearer token is valid (RFC 7662 token introspection).
OAUTH2_CONF = """\
introspection_mode = post
introspection_url = {url}
username_attribute = username
active_attribute = active
active_value = true
"""


class DovecotServer:
    """`dovecot -F` with a config in `root`; `maildir` is the test user's inbox on disk."""

    def __init__(self, *, oauth2_introspection_url: str = ""):
        self.oauth2_introspection_url = oauth2_introspection_url
        # Its own folder, readable by the unprivileged mail account (pytest's tmp_path is not).
        self.root = Path(tempfile.mkdtemp(prefix="tacenter-dovecot-"))
        self.root.chmod(0o755)
        self.port, self.ssl_port = free_port(), free_port()
        self.process: subprocess.Popen | None = None
        self.cert = self.root / "cert.pem"
        self.maildir = self.root / "mail" / USER

    def _prepare(self) -> None:
        if self.cert.exists():
            return
        for name in ("run", "state", "mail"):
            (self.root / name).mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
             "-keyout", str(self.root / "key.pem"), "-out", str(self.cert)],
            check=True, capture_output=True,
        )  # fmt: skip
        # Mail is never accessed as root: the inbox belongs to an ordinary account.
        account = pwd.getpwnam("nobody") if os.getuid() == 0 else pwd.getpwuid(os.getuid())
        (self.root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        oauth2 = bool(self.oauth2_introspection_url)
        if oauth2:
            (self.root / "oauth2.conf.ext").write_text(OAUTH2_CONF.format(url=self.oauth2_introspection_url))
        (self.root / "dovecot.conf").write_text(
            CONFIG.format(
                root=self.root, port=self.port, ssl_port=self.ssl_port, uid=account.pw_uid,
                gid=account.pw_gid, mail_user=account.pw_name,
                oauth2_mechanisms=" xoauth2 oauthbearer" if oauth2 else "",
                oauth2_passdb=OAUTH2_PASSDB.format(root=self.root) if oauth2 else "",
            )
        )  # fmt: skip
        if os.getuid() == 0:
            shutil.chown(self.root / "mail", account.pw_uid, account.pw_gid)

    def start(self, timeout: float = 20.0) -> DovecotServer:
        self._prepare()
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(self.root / "dovecot.conf")],
            stdout=(self.root / "stdout.log").open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.ssl_port), timeout=0.5):
                    return self
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        raise RuntimeError("dovecot did not start:\n" + self.log())

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        parts = [self.root / "dovecot.log", self.root / "stdout.log"]
        return "\n".join(p.read_text()[-3000:] for p in parts if p.exists())

    def settings(self) -> dict:
        """The app's settings (test config or worker environment) that read this mailbox."""
        return {
            "MAIL_IN_IMAP_HOST": "127.0.0.1",
            "MAIL_IN_IMAP_PORT": str(self.ssl_port),
            "MAIL_IN_IMAP_SECURITY": "ssl",
            "MAIL_IN_IMAP_CA_FILE": str(self.cert),
            "MAIL_IN_IMAP_USER": USER,
            "MAIL_IN_IMAP_PASSWORD": PASSWORD,
        }

    def mailbox(self):
        """A logged-in imap_tools client, for delivering (APPEND) and looking."""
        import ssl

        from imap_tools import MailBox

        context = ssl.create_default_context(cafile=str(self.cert))
        return MailBox("127.0.0.1", self.ssl_port, ssl_context=context).login(USER, PASSWORD)

    def deliver(self, *raw_messages: bytes, folder: str = "INBOX") -> None:
        with self.mailbox() as box:
            for raw in raw_messages:
                box.append(raw, folder)

    def deliver_on_disk(self, *raw_messages: bytes) -> None:
        """As the mail system delivers while the IMAP server is down: straight into the Maildir."""
        import mailbox

        box = mailbox.Maildir(self.maildir, create=True)
        for raw in raw_messages:
            box.add(raw)
        if os.getuid() == 0:
            account = pwd.getpwnam("nobody")
            for path in [self.maildir, *self.maildir.rglob("*")]:
                os.chown(path, account.pw_uid, account.pw_gid)

    def count(self, folder: str) -> int:
        with self.mailbox() as box:
            if not box.folder.exists(folder):
                return 0
            box.folder.set(folder)
            return len(box.uids("ALL"))

    def message_ids(self, folder: str) -> list[str]:
        """The Message-ID of every message in `folder` (one per copy)."""
        with self.mailbox() as box:
            box.folder.set(folder)
            return [
                m.headers.get("message-id", ("",))[0] for m in box.fetch(headers_only=True, mark_seen=False)
            ]
