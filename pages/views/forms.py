"""Forms checked by the API's own schemas: pydantic errors go next to their field, the
service's own refusals (409, 422) above the form."""

from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from services.errors import ConflictError, InvalidInputError

M = TypeVar("M", bound=BaseModel)


@dataclass
class FormState:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    problem: str | None = None

    @property
    def failed(self) -> bool:
        return bool(self.errors or self.problem)


def validate(schema: type[M], data: dict[str, Any], state: FormState) -> M | None:
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            name = str(error["loc"][0]) if error["loc"] else "__all__"
            message = str(error["msg"]).removeprefix("Value error, ")
            if name in state.values or name in data:
                state.errors.setdefault(name, message)
            else:
                state.problem = message
        return None


def refused(exc: InvalidInputError | ConflictError, state: FormState) -> None:
    state.problem = str(exc)
