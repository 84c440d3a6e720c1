"""The API's documentation page: built on the server from the API's own OpenAPI schema, so it
is always the API that runs, needs no script and loads nothing from another site."""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from macehub.accounts.types import AuthenticatedHttpRequest

from ..api import api
from ..policies import policy


def _inline(text: str) -> SafeString:
    """The schema's descriptions use a little Markdown: **bold** and `code`. Escaped first."""
    html = str(escape(text))
    html = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html)
    html = re.sub(r"``(.+?)``", r"<code>\1</code>", html)
    html = re.sub(r"`([^`]+?)`", r"<code>\1</code>", html)
    return mark_safe(html)  # noqa: S308 - built from escaped text


def _paragraphs(text: str) -> list[SafeString]:
    return [_inline(p.strip().replace("\n", " ")) for p in text.split("\n\n") if p.strip()]


def _type_of(schema: dict[str, Any]) -> str:
    if "anyOf" in schema:
        return " or ".join(_type_of(s) for s in schema["anyOf"] if s.get("type") != "null")
    kind = str(schema.get("type", "object"))
    if schema.get("format"):
        return f"{kind} ({schema['format']})"
    return kind


def _model_name(response: dict[str, Any]) -> str:
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    ref = schema.get("$ref") or schema.get("items", {}).get("$ref", "")
    name = ref.rsplit("/", 1)[-1]
    return f"list of {name}" if schema.get("type") == "array" and name else name


def operations() -> list[dict[str, Any]]:
    schema = api.get_openapi_schema(path_prefix="/api/")
    result = []
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            result.append(
                {
                    "anchor": op["operationId"].removeprefix("macehub_oversight_api_").replace("_", "-"),
                    "method": method.upper(),
                    "path": path,
                    "tag": (op.get("tags") or ["API"])[0],
                    "summary": op.get("summary", ""),
                    "description": _paragraphs(op.get("description", "")),
                    "parameters": [
                        {
                            "name": p["name"],
                            "where": {"path": "In the address", "query": "Query string"}.get(p["in"], p["in"]),
                            "type": _type_of(p.get("schema", {})),
                            "required": p.get("required", False),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "responses": [
                        {"code": int(code), "meaning": r.get("description", ""), "model": _model_name(r)}
                        for code, r in sorted(op.get("responses", {}).items(), key=lambda item: int(item[0]))
                    ],
                }
            )
    return result


@require_GET
def api_docs(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "view_api_docs")
    schema = api.get_openapi_schema(path_prefix="/api/")
    return render(
        request,
        "oversight/api_docs.html",
        {
            "title": schema["info"]["title"],
            "version": schema["info"]["version"],
            "intro": _paragraphs(schema["info"].get("description", "")),
            "operations": operations(),
        },
    )
