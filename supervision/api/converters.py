"""The API's URL converter for ids and years."""

from __future__ import annotations

from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from .schemas import INT_MAX


class Int32Converter(IntegerConverter):
    """``<int32:case_id>``: a non-negative integer; one beyond a 32-bit column names no record
    and is a 404 (never a database error).

    werkzeug's ``int(max=…)`` refuses such a value as "no match", which it then reports as
    405 when another rule of the same path answers another method (``PATCH /enterprises/N``
    beside ``GET /enterprises/N``). An exception other than ``ValidationError`` ends the
    matching and is the request's answer.
    """

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > INT_MAX:
            raise NotFound()
        return number


def register(state) -> None:
    """Blueprint setup, before the API's rules are added (they are compiled with it)."""
    state.app.url_map.converters.setdefault("int32", Int32Converter)
