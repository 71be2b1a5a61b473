"""The API's reading page, rendered by the app from the generated OpenAPI document.

Server-rendered with USWDS like every page (no script, nothing from another site): the
operations, their parameters, bodies and answers, straight from /api/v1/openapi.json, so it
cannot drift from the code. (Swagger UI was tried: its markup fails axe — nested interactive
controls, contrast, an unlabeled select — so it is not used.)
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from tacenter.accounts.permissions import public

bp = Blueprint("api_docs", __name__)
METHODS = ("get", "post", "patch", "put", "delete")


def _schema(spec: dict, schema: dict | None) -> tuple[str, list[dict]]:
    """A schema's name and its properties (one level of $ref resolved)."""
    if not schema:
        return "", []
    name, many = "", False
    if schema.get("type") == "array":
        schema, many = schema.get("items", {}), True
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = spec["components"]["schemas"][name]
    required = set(schema.get("required", []))
    rows = [
        {"name": key, "type": _type(value), "required": key in required, "about": _about(value)}
        for key, value in schema.get("properties", {}).items()
    ]
    return (f"list of {name}" if many else name), rows


def _type(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[1]
    if "anyOf" in schema:
        return " or ".join(_type(s) for s in schema["anyOf"])
    kind = schema.get("type", "object")
    kind = " or ".join(kind) if isinstance(kind, list) else kind
    if kind == "array" or "array" in kind:
        return f"list of {_type(schema.get('items', {}))}"
    return kind + (f" ({schema['format']})" if "format" in schema else "")


def _about(schema: dict) -> str:
    parts = [schema.get("description", "")]
    if "enum" in schema:
        parts.append("One of: " + ", ".join(str(v) for v in schema["enum"] if v is not None) + ".")
    return " ".join(p for p in parts if p)


def operations(spec: dict) -> list[dict]:
    found = []
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            ok = next((c for c in op.get("responses", {}) if c.startswith("2")), None)
            content = op["responses"][ok].get("content", {}) if ok else {}
            answer = content.get("application/json", {}).get("schema")
            found.append({
                "id": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                "method": method.upper(), "path": path, "summary": op.get("summary", ""),
                "description": op.get("description", ""),
                "parameters": [
                    {"name": p["name"], "in": p["in"], "required": p.get("required", False),
                     "type": _type(p.get("schema", {})), "about": _about(p.get("schema", {}))}
                    for p in op.get("parameters", [])
                ],
                "body": _schema(spec, body), "ok": ok, "answer": _schema(spec, answer),
            })  # fmt: skip
    return found


@bp.route("/api/v1/docs")
@public
def page():
    spec = current_app.extensions["tacenter_api"].spec.to_dict()
    return render_template("api/docs.html", spec=spec, operations=operations(spec))
