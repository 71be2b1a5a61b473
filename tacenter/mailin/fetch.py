"""Fetching mail: from an IMAP mailbox (IMAPS, password or OAuth2), or from a Maildir folder
under instance/ when no IMAP server is configured (the embedded default for `make run`).

Each message is placed (committed) first and moved out of the inbox after: a worker killed
between the two leaves the message in the inbox, the next fetch finds its row by the mail's key
and only moves it. A message that raises is left where it is and tried again next time.
"""

from __future__ import annotations

import imaplib
import json
import logging
import mailbox
import ssl
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from flask import current_app
from imap_tools import MailBox, MailBoxStartTls, MailBoxUnencrypted

from tacenter.extensions import db
from tacenter.mailin.services import receive_mail

log = logging.getLogger(__name__)


class MaildirSource:
    """The inbox is a Maildir; placed mail moves to its `processed` subfolder."""

    def __init__(self, path: str, done_folder: str):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.box = mailbox.Maildir(path, create=True)
        self.done_folder = done_folder

    def keys(self, limit: int) -> list[str]:
        return sorted(self.box.iterkeys())[:limit]

    def read(self, key: str) -> bytes | None:
        try:
            return self.box.get_bytes(key)
        except (KeyError, FileNotFoundError):  # another worker moved it meanwhile
            return None

    def done(self, key: str, raw: bytes) -> None:
        try:
            self.box.remove(key)
        except (KeyError, FileNotFoundError):
            return
        self.box.add_folder(self.done_folder).add(raw)


class ImapSource:
    """The inbox is an IMAP folder; placed mail is moved to MAIL_IN_DONE_FOLDER."""

    def __init__(self, box: MailBox, done_folder: str):
        self.box, self.done_folder = box, done_folder
        if not box.folder.exists(done_folder):
            box.folder.create(done_folder)

    def keys(self, limit: int) -> list[str]:
        return self.box.uids("ALL")[:limit]

    def read(self, key: str) -> bytes | None:
        status, data = self.box.client.uid("FETCH", key, "(BODY.PEEK[])")
        parts = [item for item in data if isinstance(item, tuple)]
        return parts[0][1] if status == "OK" and parts else None

    def done(self, key: str, raw: bytes) -> None:
        self.box.move(key, self.done_folder)


def token_url(url: str) -> str:
    """The OAuth2 token endpoint, if it is https (or http to this machine's loopback, for tests).

    urlopen would otherwise follow file: or ftp: URLs (bandit B310)."""
    parts = urllib.parse.urlsplit(url)
    loopback = parts.scheme == "http" and parts.hostname in ("127.0.0.1", "::1", "localhost")
    if parts.scheme != "https" and not loopback:
        raise ValueError("MAIL_IN_OAUTH2_TOKEN_URL must be an https URL")
    return url


def oauth2_access_token(config) -> str:
    """A fresh access token from the provider's token endpoint (Microsoft 365 or Google), by the
    refresh-token grant, or the client-credentials grant when no refresh token is configured."""
    fields = {"client_id": config["MAIL_IN_OAUTH2_CLIENT_ID"], "scope": config["MAIL_IN_OAUTH2_SCOPE"]}
    if config["MAIL_IN_OAUTH2_CLIENT_SECRET"]:
        fields["client_secret"] = config["MAIL_IN_OAUTH2_CLIENT_SECRET"]
    if config["MAIL_IN_OAUTH2_REFRESH_TOKEN"]:
        fields.update(grant_type="refresh_token", refresh_token=config["MAIL_IN_OAUTH2_REFRESH_TOKEN"])
    else:
        fields["grant_type"] = "client_credentials"
    url = token_url(config["MAIL_IN_OAUTH2_TOKEN_URL"])
    # The scheme was checked by token_url (https, or http to loopback): never file: or ftp:.
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode())  # noqa: S310
    with urllib.request.urlopen(request, timeout=config["MAIL_IN_TIMEOUT"]) as response:  # noqa: S310  # nosec B310 # scheme checked by token_url
        return json.load(response)["access_token"]


def _ssl_context(config) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=config["MAIL_IN_IMAP_CA_FILE"] or None)
    return context


@contextmanager
def open_source(config):
    """The configured inbox, logged in; closed afterwards."""
    if not config["MAIL_IN_IMAP_HOST"]:
        yield MaildirSource(config["MAIL_IN_MAILDIR"], config["MAIL_IN_DONE_FOLDER"])
        return
    host, port, timeout = config["MAIL_IN_IMAP_HOST"], config["MAIL_IN_IMAP_PORT"], config["MAIL_IN_TIMEOUT"]
    security = config["MAIL_IN_IMAP_SECURITY"]
    if security == "ssl":
        box = MailBox(host, port, timeout=timeout, ssl_context=_ssl_context(config))
    elif security == "starttls":
        box = MailBoxStartTls(host, port, timeout=timeout, ssl_context=_ssl_context(config))
    else:  # only for a server on the same machine (tests)
        box = MailBoxUnencrypted(host, port, timeout=timeout)
    folder, user = config["MAIL_IN_FOLDER"], config["MAIL_IN_IMAP_USER"]
    if config["MAIL_IN_AUTH"] == "oauth2":
        box.xoauth2(user, oauth2_access_token(config), initial_folder=folder)
    else:
        box.login(user, config["MAIL_IN_IMAP_PASSWORD"], initial_folder=folder)
    try:
        yield ImapSource(box, config["MAIL_IN_DONE_FOLDER"])
    finally:
        try:
            box.logout()
        except Exception:  # noqa: BLE001 (the connection may already be gone)
            log.debug("IMAP logout failed", exc_info=True)


def fetch_mail() -> dict[str, int]:
    """Take up to MAIL_IN_BATCH messages from the inbox, place each once, then move it out.
    Returns counts by what became of them (placed, to_sort, ...) and `failed`."""
    config = current_app.config
    counts: dict[str, int] = {}
    try:
        with open_source(config) as source:
            _take(source, config["MAIL_IN_BATCH"], counts)
    except (OSError, imaplib.IMAP4.error) as error:  # the mail server is down: the next poll retries
        log.warning("incoming mail not fetched: %s: %s", type(error).__name__, error)
        counts["unreachable"] = 1
    return counts


def _take(source, batch: int, counts: dict[str, int]) -> None:
    for key in source.keys(batch):
        raw = source.read(key)
        if raw is None:
            continue
        try:
            record = receive_mail(raw)
        except Exception:  # a database fault: leave the message for the next fetch
            db.session.rollback()
            log.exception("incoming mail %s not placed; it stays in the inbox", key)
            counts["failed"] = counts.get("failed", 0) + 1
            continue
        source.done(key, raw)
        counts[record.status] = counts.get(record.status, 0) + 1
