"""RFC 9457 problem details: every API error, whatever raised it, answers in one shape.

`errors` carries a message per field (a request body's, the query string's, or a domain
rule's) so a client can show each next to its input.
"""

from __future__ import annotations

from flask import Response, json
from marshmallow import Schema, fields
from werkzeug.http import HTTP_STATUS_CODES

PROBLEM_TYPE = "about:blank"
MEDIA_TYPE = "application/problem+json"


class ProblemSchema(Schema):
    type = fields.String(metadata={"description": "A URI naming the kind of problem (about:blank)."})
    title = fields.String(required=True, metadata={"description": "The HTTP status's phrase."})
    status = fields.Integer(required=True)
    detail = fields.String(metadata={"description": "What went wrong, for a person."})
    errors = fields.Dict(
        keys=fields.String(),
        metadata={"description": "A list of messages per field (by location, then field, for input)."},
    )


def _flatten(messages) -> dict:
    """webargs nests messages by location ({"json": {"title": [...]}}); keep that shape, but make
    every leaf a list of strings (marshmallow's nested and list errors are dicts keyed by index)."""
    if isinstance(messages, dict):
        return {str(k): _flatten(v) for k, v in messages.items()}
    if isinstance(messages, list | tuple):
        return [str(m) for m in messages]
    return [str(messages)]


def problem(status: int, detail: str = "", *, errors=None, headers: dict | None = None) -> Response:
    body = {"type": PROBLEM_TYPE, "title": HTTP_STATUS_CODES.get(status, "Error"), "status": status}
    if detail:
        body["detail"] = str(detail)
    if errors:
        body["errors"] = _flatten(errors)
    response = Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def from_http_exception(error) -> Response:
    """An HTTPException (webargs' 422 carries its messages in error.data) as a problem."""
    data = getattr(error, "data", None) or {}
    code = error.code or 500
    detail = data.get("message") or (error.description if code != 422 else "The input is not valid.")
    headers = dict(data.get("headers") or {})
    if code == 405:
        headers.update({k: v for k, v in error.get_headers() if k == "Allow"})
    return problem(code, detail, errors=data.get("messages") or data.get("errors"), headers=headers)
