"""Forms checked by the API's own schemas: pydantic errors go next to their field, the
service's own refusals (409, 422) above the form."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError
from sqlmodel import Session

from services.errors import ConflictError, InvalidInputError

M = TypeVar("M")


@dataclass
class FormState:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    problem: str | None = None

    @property
    def failed(self) -> bool:
        return bool(self.errors or self.problem)


def validate(schema: Any, data: dict[str, Any], state: FormState) -> Any:
    """``schema``: a model or a union of models (the sources' create schema is one per kind,
    told apart by ``kind``, whose name then leads each error's location)."""
    try:
        return TypeAdapter(schema).validate_python(data)
    except ValidationError as exc:
        for error in exc.errors():
            fields = [str(part) for part in error["loc"] if str(part) in data]
            fields += [str(part) for part in error["loc"] if str(part) in state.values]
            message = str(error["msg"]).removeprefix("Value error, ")
            named = [str(part) for part in error["loc"][1:] if isinstance(part, str)]
            if fields:
                state.errors.setdefault(fields[-1], message)
            else:  # a field the form did not send: say which
                problem = f"{named[-1]}: {message}" if named else message
                state.problem = f"{state.problem}; {problem}" if state.problem else problem
        return None


def save(session: Session, state: FormState, action: Callable[[], M]) -> M | None:
    """``action`` (a service call) committed, and its result; None when the service refused
    it (409, 422): rolled back, the refusal shown above the form."""
    try:
        done = action()
        session.commit()
    except (InvalidInputError, ConflictError) as exc:
        session.rollback()
        state.problem = str(exc)
        return None
    return done
