"""Statements over several [since, until) windows of one brand, built once per shape and run
with bind parameters ``brand_id``, ``since_<i>`` and ``until_<i>`` (the i-th window)."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, bindparam

from models.types import UTCDateTime


def window_binds(index: int) -> tuple[Any, Any, Any]:
    """The brand's and the ``index``-th window's bind parameters: (brand_id, since, until)."""
    moment = UTCDateTime()
    return (
        bindparam("brand_id", type_=Integer),
        bindparam(f"since_{index}", type_=moment),
        bindparam(f"until_{index}", type_=moment),
    )


def window_parameters(
    brand_id: int, windows: Sequence[tuple[datetime, datetime]]
) -> dict[str, Any]:
    """The values of :func:`window_binds` for these windows, in order."""
    parameters: dict[str, Any] = {"brand_id": brand_id}
    for index, (since, until) in enumerate(windows):
        parameters.update({f"since_{index}": since, f"until_{index}": until})
    return parameters
