"""The OpenAPI document says what the API sends: every error answer the API can give, in
the one shape it has ({"detail": a message or a list of problems})."""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field


class ValidationIssue(BaseModel):
    type: str = Field(description="What kind of problem, e.g. missing, extra_forbidden")
    loc: list[str | int] = Field(description="Where: body, query or path, then the field")
    msg: str


class ErrorBody(BaseModel):
    detail: str | list[ValidationIssue] = Field(
        description="A message; for input that does not validate, the list of problems"
    )


ERRORS = {
    "400": "The body is not JSON (or not UTF-8)",
    "401": "Without an API key, or with a bad one",
    "404": "No such object in this workspace (or an id no object can have)",
    "409": "Conflicts with what is stored (a brand name in use)",
    "413": "The request body is over 1 MB",
    "422": "Bad input: a message, or the list of problems found (the input is not echoed)",
    "429": "Too many requests",
    "503": "The database or the task queue is unreachable",
}
_REF = {"$ref": "#/components/schemas/ErrorBody"}
# Pages for people (the unsubscribe link) answer a refused token with an HTML page.
_HTML_400 = {
    "description": "The link is not valid (an HTML page)",
    "content": {"text/html": {"schema": {"type": "string"}}},
}
_WRITES = {"post", "put", "patch"}


def _errors_for(path: str, method: str, operation: dict[str, Any]) -> list[str]:
    if not path.startswith("/v1/"):
        return ["503"] if path == "/readyz" else []
    codes = ["422", "503"]
    if operation.get("security"):
        codes += ["401", "404", "429"]
    if "requestBody" in operation:
        codes.append("400")
    if "requestBody" in operation or method in _WRITES:
        codes.append("413")
    if method in _WRITES and path.startswith("/v1/brands"):
        codes.append("409")
    return codes


def document(app: FastAPI) -> dict[str, Any]:
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    definitions = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(definitions.pop("$defs", {}))
    components["ErrorBody"] = definitions
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            if path == "/v1/unsubscribe":
                responses.setdefault("400", _HTML_400)
            for code in _errors_for(path, method, operation):
                responses[code] = {
                    "description": ERRORS[code],
                    "content": {"application/json": {"schema": _REF}},
                }
    return schema


def install_openapi(app: FastAPI) -> None:
    cached: dict[str, Any] = {}

    def openapi() -> dict[str, Any]:
        if not cached:
            cached.update(document(app))
        return cached

    app.openapi = openapi  # type: ignore[method-assign]
