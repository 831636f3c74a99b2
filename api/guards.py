"""Checks every /v1 request passes before its route runs: no query parameter the route does
not declare (422, in the shape of a validation error), no id that no row can have (404)."""

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel

from api.params import MAX_ID
from services.errors import NotFoundError

_DECLARED: dict[int, frozenset[str]] = {}


def declared_query_names(dependant: Dependant) -> frozenset[str]:
    """The query parameters a route takes, those of its query models included."""
    names: set[str] = set()
    pending = [dependant]
    while pending:
        current = pending.pop()
        for field in current.query_params:
            annotation = field.field_info.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                names.update(info.alias or name for name, info in annotation.model_fields.items())
            else:
                names.add(field.alias)
        pending.extend(current.dependencies)
    return frozenset(names)


def check_request(request: Request) -> None:
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.url.path.startswith("/v1/"):
        return
    for name, value in request.path_params.items():
        if (
            name.endswith("_id")
            and isinstance(value, str)
            and value.isdigit()
            and (int(value) > MAX_ID)
        ):
            raise NotFoundError(f"{name.removesuffix('_id')} {value[:40]} not found")
    declared = _DECLARED.get(id(route))
    if declared is None:
        declared = _DECLARED[id(route)] = declared_query_names(route.dependant)
    unknown = [name for name in request.query_params if name not in declared]
    if unknown:
        raise RequestValidationError(
            [
                {
                    "type": "extra_forbidden",
                    "loc": ["query", name[:100]],
                    "msg": "Unknown query parameter",
                }
                for name in dict.fromkeys(unknown)
            ]
        )
