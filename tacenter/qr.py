"""QR codes as inline SVG (segno): paths only, no text, no script, no external request, so a
template may render one unescaped (the semgrep rule allows `*.qr|safe`)."""

from __future__ import annotations

import segno


def qr_svg(text: str, *, scale: int = 4) -> str:
    return segno.make(text, error="m").svg_inline(scale=scale, dark="#1b1b1b", light="#ffffff")
