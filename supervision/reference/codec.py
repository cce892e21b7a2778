"""Reference rows (frozen dataclasses of the rules) to JSON and back, exactly.

Decimals travel as strings (never floats), dates as ISO text, enums as their values,
tuples of rows as lists. Pure: used by the service, the API and the tests alike.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


class CodecError(ValueError):
    """A stored or edited row does not fit its type; the message says where, in Chinese."""


def dump(value: Any) -> Any:
    """JSON-ready form of a row (or list of rows)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: dump(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [dump(v) for v in value]
    if isinstance(value, dict):
        return {str(k): dump(v) for k, v in value.items()}
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def load(cls: type[T], data: Any, where: str = "") -> T:
    """The ``cls`` row described by ``data`` (as made by :func:`dump` or edited by a person)."""
    return _load(cls, data, where or cls.__name__)


def load_rows(cls: type[T], data: Any) -> tuple[T, ...]:
    if not isinstance(data, list):
        raise CodecError("应为由若干行组成的列表（JSON 数组）")
    return tuple(load(cls, row, f"第 {n} 行") for n, row in enumerate(data, start=1))


def _load(tp: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            if len(options) < len(typing.get_args(tp)):
                return None
            raise CodecError(f"{where}：不能为空")
        errors = []
        for option in options:
            try:
                return _load(option, value, where)
            except CodecError as error:
                errors.append(str(error))
        raise CodecError(errors[0])
    if value is None:
        raise CodecError(f"{where}：不能为空")
    if origin is tuple:
        args = typing.get_args(tp)
        if not isinstance(value, list):
            raise CodecError(f"{where}：应为列表")
        return tuple(_load(args[0], v, f"{where}[{i}]") for i, v in enumerate(value, start=1))
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise CodecError(f"{where}：应为对象")
        names = {f.name: f for f in dataclasses.fields(tp)}
        unknown = sorted(set(value) - set(names))
        if unknown:
            raise CodecError(f"{where}：未知字段 {'、'.join(unknown)}")
        hints = _hints(tp)
        kwargs = {}
        for name, spec in names.items():
            if name in value:
                kwargs[name] = _load(hints[name], value[name], f"{where}.{name}")
            elif (
                spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING
            ):
                raise CodecError(f"{where}：缺少字段 {name}")
        return tp(**kwargs)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(value)
        except ValueError:
            allowed = "、".join(str(m.value) for m in tp)
            raise CodecError(f"{where}：{value!r} 不是可选值（{allowed}）") from None
    if tp is Decimal:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise CodecError(f'{where}：数值应写成字符串，如 "0.02"')
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise CodecError(f"{where}：{value!r} 不是数字") from None
        if not number.is_finite():
            raise CodecError(f"{where}：{value!r} 不是有限数值")
        return number
    if tp is date:
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            raise CodecError(f"{where}：{value!r} 不是 YYYY-MM-DD 格式的日期") from None
    if tp is bool:
        if not isinstance(value, bool):
            raise CodecError(f"{where}：应为 true 或 false")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise CodecError(f"{where}：应为整数")
        return value
    if tp is str:
        if not isinstance(value, str):
            raise CodecError(f"{where}：应为文字")
        return value
    raise TypeError(f"no codec for {tp!r}")
