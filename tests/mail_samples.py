"""Replies as real mail clients send them (RFC 5322, CRLF line ends): Gmail, Outlook and Apple
Mail, with quoted history, signatures, inline images, attachments, Windows-1252 and UTF-8; and the
machines' mail a help desk must never answer (an out-of-office, a bounce)."""

from __future__ import annotations

import base64
import zlib
from email.utils import make_msgid

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _png(size: int) -> bytes:
    """A real PNG of about `size` bytes (an uncompressible IDAT)."""
    import os
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", os.urandom(size)) + chunk(b"IEND", b"")


def _b64(data: bytes) -> str:
    return "\r\n".join(base64.encodebytes(data).decode().splitlines())


def _crlf(text: str, encoding: str = "ascii") -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode(encoding)


def gmail_reply(*, sender: str, to: str, answer: str = "Yes: we serve 40 families in two counties.",
                message_id: str | None = None) -> bytes:  # fmt: skip
    """Gmail: multipart/alternative, UTF-8 quoted-printable, the history in a gmail_quote div."""
    message_id = message_id or make_msgid(domain="mail.gmail.com")
    return _crlf(f"""\
MIME-Version: 1.0
Date: Mon, 23 Nov 2026 10:42:11 -0500
Message-ID: {message_id}
In-Reply-To: <outbox-7@tacenter.local>
Subject: Re: Your request TA-2026-0001 is waiting for you
From: Maria Lopez <{sender}>
To: TA Center <{to}>
Content-Type: multipart/alternative; boundary="000000000000a1b2c3"

--000000000000a1b2c3
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

{answer}

Best,
Maria
--=20
Maria Lopez | Project LAUNCH Director
(555) 010-2030

On Mon, Nov 23, 2026 at 9:00=E2=80=AFAM TA Center <{to}> wrote:

> We have a question about TA-2026-0001:
> How many families does your program serve?
>

--000000000000a1b2c3
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

<div dir=3D"ltr"><div>{answer}</div><div><br></div><div>Best,</div><div>Mari=
a</div><div>-- <br><div dir=3D"ltr" class=3D"gmail_signature">Maria Lopez | =
Project LAUNCH Director</div></div></div><br><div class=3D"gmail_quote"><div=
 dir=3D"ltr" class=3D"gmail_attr">On Mon, Nov 23, 2026 at 9:00=E2=80=AFAM T=
A Center &lt;{to}&gt; wrote:<br></div><blockquote class=3D"gmail_quote">We h=
ave a question about TA-2026-0001</blockquote></div>

--000000000000a1b2c3--
""")


def outlook_reply(*, sender: str, to: str, message_id: str | None = None) -> bytes:
    """Outlook: Windows-1252 quoted-printable (curly quotes, an en dash), the history under a
    From/Sent/To block, and a small inline signature logo (image001.png) in multipart/related."""
    message_id = message_id or make_msgid(domain="namprd04.prod.outlook.com")
    logo = _b64(_png(600))
    return _crlf(f"""\
From: John Smith <{sender}>
To: TA Center <{to}>
Subject: RE: Your request TA-2026-0001 is waiting for you
Date: Mon, 23 Nov 2026 15:42:11 +0000
Message-ID: {message_id}
Accept-Language: en-US
Content-Language: en-US
X-MS-Has-Attach: yes
MIME-Version: 1.0
Content-Type: multipart/related; boundary="_004_BN6PR04MB0001_"; type="multipart/alternative"

--_004_BN6PR04MB0001_
Content-Type: multipart/alternative; boundary="_000_BN6PR04MB0001_"

--_000_BN6PR04MB0001_
Content-Type: text/plain; charset="Windows-1252"
Content-Transfer-Encoding: quoted-printable

We=92ll send the agenda =96 our =93home visiting=94 team meets Tuesday.

Thank you,
John Smith
Program Manager | State Agency
[cid:image001.png@01DB3D2F.5E2F7A30]

________________________________
From: TA Center <{to}>
Sent: Monday, November 23, 2026 9:00 AM
To: John Smith <{sender}>
Subject: Your request TA-2026-0001 is waiting for you

We have a question about TA-2026-0001.

--_000_BN6PR04MB0001_
Content-Type: text/html; charset="Windows-1252"
Content-Transfer-Encoding: quoted-printable

<html><body><div class=3D"WordSection1"><p>We=92ll send the agenda =96 our =
=93home visiting=94 team meets Tuesday.</p><p>Thank you,<br>John Smith<br>=
<img src=3D"cid:image001.png@01DB3D2F.5E2F7A30"></p></div><div id=3D"appen=
donsend"></div><hr><div id=3D"divRplyFwdMsg"><b>From:</b> TA Center<br><b>S=
ent:</b> Monday, November 23, 2026 9:00 AM</div><p>We have a question.</p>=
</body></html>

--_000_BN6PR04MB0001_--

--_004_BN6PR04MB0001_
Content-Type: image/png; name="image001.png"
Content-Description: image001.png
Content-Disposition: inline; filename="image001.png"
Content-ID: <image001.png@01DB3D2F.5E2F7A30>
Content-Transfer-Encoding: base64

{logo}

--_004_BN6PR04MB0001_--
""")


def apple_reply(*, sender: str, to: str, attachment=("agenda.pdf", "application/pdf", PDF),
                message_id: str | None = None) -> bytes:  # fmt: skip
    """Apple Mail (iPhone): UTF-8, "Sent from my iPhone", the history quoted with '>' under an
    "On …, at …, … wrote:" line, a PDF attached and a pasted photo inline."""
    message_id = message_id or make_msgid(domain="icloud.com")
    name, mime, data = attachment
    photo = _b64(_png(20_000))
    text = (
        "Sí, gracias. The niños' program starts in March; the agenda is attached.\n\n"
        "Sent from my iPhone\n\n"
        f"> On Nov 23, 2026, at 9:00 AM, TA Center <{to}> wrote:\n>\n"
        "> We have a question about TA-2026-0001.\n"
    )
    encoded = _b64(text.replace("\n", "\r\n").encode("utf-8"))
    return _crlf(f"""\
Content-Type: multipart/mixed; boundary="Apple-Mail-1A2B3C"
Content-Transfer-Encoding: 7bit
Mime-Version: 1.0 (1.0)
Subject: Re: Your request TA-2026-0001 is waiting for you
From: Ana Ruiz <{sender}>
Date: Mon, 23 Nov 2026 10:05:00 -0500
Message-Id: {message_id}
To: {to}
X-Mailer: iPhone Mail (22B91)

--Apple-Mail-1A2B3C
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

{encoded}

--Apple-Mail-1A2B3C
Content-Type: {mime}; name="{name}"
Content-Disposition: attachment; filename="{name}"
Content-Transfer-Encoding: base64

{_b64(data)}

--Apple-Mail-1A2B3C
Content-Type: image/png; name="IMG_0042.png"
Content-Disposition: inline; filename="IMG_0042.png"
Content-Transfer-Encoding: base64

{photo}

--Apple-Mail-1A2B3C--
""")


def plain(*, sender: str, to: str, subject: str = "A question", body: str = "Hello.",
          message_id: str | None = "auto", headers: str = "") -> bytes:  # fmt: skip
    """A simple text message; `message_id=None` leaves the Message-ID out."""
    mid = make_msgid(domain="example.org") if message_id == "auto" else message_id
    id_line = f"Message-ID: {mid}\n" if mid else ""
    return _crlf(
        f"From: {sender}\nTo: {to}\nSubject: {subject}\n{id_line}{headers}"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
        f"Content-Transfer-Encoding: 8bit\n\n{body}\n",
        "utf-8",
    )


def out_of_office(*, sender: str, to: str) -> bytes:
    return plain(
        sender=sender,
        to=to,
        subject="Automatic reply: Your request",
        body="I am out of the office until Monday.",
        headers="Auto-Submitted: auto-replied\n",
    )


def bounce(*, to: str, original_to: str) -> bytes:
    return _crlf(f"""\
From: Mail Delivery Subsystem <mailer-daemon@agency.example>
To: {to}
Subject: Undelivered Mail Returned to Sender
Message-ID: {make_msgid(domain="agency.example")}
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain

The mail to {original_to} could not be delivered.

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; agency.example
Final-Recipient: rfc822; {original_to}
Action: failed
Status: 5.1.1

--B1--
""")
