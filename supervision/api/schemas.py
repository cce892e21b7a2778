"""What the API accepts and returns: one definition validates requests and documents them."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from flask_babel import gettext as _

from ..enterprises.models import ProductionStatus
from ..enterprises.service import FIELDS as ENTERPRISE_FIELDS
from ..enterprises.service import TEXT_LIMITS
from ..tasks.models import ReviewMethod

#: Integers beyond a 32-bit column are never valid ids, months or pages.
INT_MAX = 2**31 - 1
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class ValidationFailed(Exception):
    """Input refused field by field: ``errors`` maps each field to its message (HTTP 422)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


def _has_control_characters(text: str) -> bool:
    # PostgreSQL refuses NUL; no other C0 character but tab and line breaks is ever meant.
    return any(ord(c) < 32 and c not in "\t\r\n" for c in text)


@dataclass(frozen=True)
class Field:
    """One accepted member: its JSON type and limits. ``also`` lists further accepted types
    (a decimal given as a string); ``null`` is accepted when ``nullable``."""

    type: str
    description: str = ""
    required: bool = False
    nullable: bool = False
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    enum: tuple[str, ...] | None = None
    format: str | None = None
    items: Field | None = None
    max_items: int | None = None
    also: tuple[str, ...] = ()
    #: "object": its members (any other member is refused) …
    members: dict[str, Field] | None = None
    #: … or, for a map such as {energy type: amount}, what every value must be.
    values: Field | None = None

    # -- validation -------------------------------------------------------------------------

    def check(self, value) -> str | None:
        """Why ``value`` is not acceptable, or None."""
        if value is None:
            return None if self.nullable else _("不能为 null。")
        for kind in (self.type, *self.also):
            if _is(kind, value):
                return self._limits(kind, value)
        if self.format == DECIMAL:
            return decimal_message()
        return _type_message(self.type)

    def _limits(self, kind: str, value) -> str | None:
        if kind == "string":
            if _has_control_characters(value):
                return _("含有不允许的控制字符。")
            if self.max_length is not None and len(value) > self.max_length:
                return _("不能超过 %(n)s 个字符。", n=self.max_length)
            if self.enum is not None and value not in self.enum:
                return _("应为以下值之一：%(values)s。", values="、".join(self.enum))
            # A blank optional date means "none" (as on the forms); a required one is a date.
            if self.format == "date" and (value or self.required) and not _is_iso_date(value):
                return _("日期格式应为 YYYY-MM-DD。")
        if kind in ("integer", "number"):
            low = self.minimum if self.minimum is not None else -INT_MAX
            high = self.maximum if self.maximum is not None else INT_MAX
            if value < low:
                return _("不能小于 %(n)s。", n=low)
            if value > high and kind == "integer":
                return _("不能大于 %(n)s。", n=high)
        if kind == "array":
            if self.max_items is not None and len(value) > self.max_items:
                return _("最多 %(n)s 项。", n=self.max_items)
            for item in value:
                if message := self.items.check(item):
                    return message
        if kind == "object":
            return self._object_problem(value)
        return None

    def _object_problem(self, value: dict) -> str | None:
        if self.max_items is not None and len(value) > self.max_items:
            return _("最多 %(n)s 项。", n=self.max_items)
        for name, item in value.items():
            spec = self.values if self.members is None else self.members.get(name)
            if spec is None:
                return _("%(name)s：未知字段。", name=name)
            if self.members is None and len(name) > 40:
                return _("%(name)s：名称不能超过 40 个字符。", name=name[:40])
            if message := spec.check(item):
                return _("%(name)s：%(message)s", name=name, message=message)
        for name, spec in (self.members or {}).items():
            if spec.required and name not in value:
                return _("%(name)s：此字段为必填项。", name=name)
        return None

    def parse_query(self, text: str):
        """A query-string value as the field's type; raises ValueError when it is not one."""
        if self.type == "integer":
            if not text.strip().lstrip("-").isdigit() or len(text) > 12:
                raise ValueError(text)
            return int(text)
        return text

    # -- documentation ----------------------------------------------------------------------

    def json_schema(self) -> dict:
        types = [self.type, *self.also] + (["null"] if self.nullable else [])
        schema: dict = {"type": types[0] if len(types) == 1 else types}
        if self.description:
            schema["description"] = self.description
        if self.max_length is not None:
            schema["maxLength"] = self.max_length
        if self.type in ("integer", "number"):
            schema["minimum"] = self.minimum if self.minimum is not None else -INT_MAX
            if self.type == "integer":
                schema["maximum"] = self.maximum if self.maximum is not None else INT_MAX
        if self.enum is not None:
            schema["enum"] = list(self.enum) + ([None] if self.nullable else [])
        if self.format:
            schema["format"] = self.format
        if self.items is not None:
            schema["items"] = self.items.json_schema()
        if self.max_items is not None:
            schema["maxItems" if self.type == "array" else "maxProperties"] = self.max_items
        if self.members is not None:
            schema["properties"] = {n: spec.json_schema() for n, spec in self.members.items()}
            required = [n for n, spec in self.members.items() if spec.required]
            if required:
                schema["required"] = required
        if self.type == "object":
            schema["additionalProperties"] = (
                self.values.json_schema() if self.values is not None else self.members is None
            )
        return schema


def _is(kind: str, value) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        # Exact int/float comparison: no overflow for huge integers; NaN and ±inf fail it.
        return isinstance(value, int | float) and not isinstance(value, bool) and abs(value) < 1e15
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "array":
        return isinstance(value, list)
    if kind == "object":
        return isinstance(value, dict)
    raise LookupError(kind)


def _type_message(kind: str) -> str:
    return {
        "string": _("应为字符串。"),
        "integer": _("应为整数。"),
        "number": _("应为数字。"),
        "boolean": _("应为 true 或 false。"),
        "array": _("应为数组。"),
        "object": _("应为 JSON 对象。"),
    }[kind]


#: ``Field.format`` of an exact decimal number given as a string or an integer.
DECIMAL = "decimal"
#: Decimal fields accept integers up to this size (energy in kWh runs past 32 bits).
DECIMAL_INT_MAX = 10**18


def decimal_message() -> str:
    return _('数值请用字符串（如 "1234.5"）或整数给出；不接受浮点数，以免二进制舍入误差影响核算。')


def decimal_field(description: str, *, required: bool = False, nullable: bool = True) -> Field:
    """An exact number: a string such as "-120" or "1 234.5", or an integer (never a float)."""
    return Field(
        "string",
        description,
        required=required,
        nullable=nullable,
        max_length=40,
        minimum=-DECIMAL_INT_MAX,
        maximum=DECIMAL_INT_MAX,
        format=DECIMAL,
        also=("integer",),
    )


def _is_iso_date(text: str) -> bool:
    if not ISO_DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Schema:
    """The members of a JSON object (a request body or a query string)."""

    name: str
    fields: dict[str, Field]
    description: str = ""
    #: Bodies may be left out entirely when no member is required (POST .../submission).
    optional_body: bool = False

    def validate(self, payload, *, partial: bool = False) -> dict:
        """The accepted members of ``payload``; raises ValidationFailed naming each bad one.

        ``partial`` (PATCH): required members may be left out.
        """
        if not isinstance(payload, dict):
            raise ValidationFailed({"_body": _("请求体应为 JSON 对象。")})
        errors = {key: _("未知字段。") for key in payload if key not in self.fields}
        values = {}
        for name, spec in self.fields.items():
            if name not in payload:
                if spec.required and not partial:
                    errors[name] = _("此字段为必填项。")
                continue
            if message := spec.check(payload[name]):
                errors[name] = message
            else:
                values[name] = payload[name]
        if errors:
            raise ValidationFailed(errors)
        return values

    def validate_query(self, args) -> dict:
        """Query-string arguments (a MultiDict) checked and converted like a body."""
        errors: dict[str, str] = {}
        payload = {}
        for key in args:
            spec = self.fields.get(key)
            if spec is None:
                errors[key] = _("未知参数。")
                continue
            try:
                payload[key] = spec.parse_query(args[key])
            except ValueError:
                errors[key] = _type_message(spec.type)
        try:
            values = self.validate(payload)
        except ValidationFailed as failed:
            errors = {**failed.errors, **errors}
            values = {}
        if errors:
            raise ValidationFailed(errors)
        return values

    def json_schema(self) -> dict:
        schema: dict = {
            "type": "object",
            "properties": {name: spec.json_schema() for name, spec in self.fields.items()},
            "additionalProperties": False,
        }
        required = [name for name, spec in self.fields.items() if spec.required]
        if required:
            schema["required"] = required
        if self.description:
            schema["description"] = self.description
        return schema


def _text(name: str, description: str, **kw) -> Field:
    return Field("string", description, nullable=True, max_length=TEXT_LIMITS.get(name), **kw)


# -- enterprises ----------------------------------------------------------------------------

#: Every registry field the service accepts (``enterprises.service.FIELDS``), as JSON.
_ENTERPRISE_SPECS = {
    "credit_code": Field(
        "string", "统一社会信用代码（18 位，GB 32100-2015；空格忽略，字母大写）", max_length=40
    ),
    "name": Field("string", "企业名称", max_length=TEXT_LIMITS["name"]),
    "address": _text("address", "地址"),
    "division_code": Field("string", "所在县（区）的行政区划代码（GB/T 2260，6 位）", max_length=6),
    "industry": Field("string", "行业：行业目录的代码或名称", nullable=True, max_length=40),
    "products": _text("products", "主要产品"),
    "status": Field(
        "string", "生产状态", enum=tuple(s.value for s in ProductionStatus), nullable=True
    ),
    "stopped_on": Field("string", "停产日期（已停产时）", nullable=True, format="date"),
    "key_energy_unit": Field("boolean", "重点用能单位", nullable=True),
    "annual_energy_tce": Field(
        "number",
        "年综合能源消费量（吨标准煤）；可用字符串给出精确小数",
        nullable=True,
        minimum=0,
        also=("string",),
        max_length=20,
    ),
    "legal_representative": _text("legal_representative", "法定代表人"),
    "legal_representative_phone": _text("legal_representative_phone", "法定代表人电话"),
    "energy_manager": _text("energy_manager", "能源管理负责人"),
    "energy_manager_phone": _text("energy_manager_phone", "能源管理负责人电话"),
}
#: Fails at import if the registry grows a field the API does not describe.
ENTERPRISE_BODY = {name: _ENTERPRISE_SPECS[name] for name in ENTERPRISE_FIELDS}
_REQUIRED_ON_CREATE = {"credit_code", "name", "division_code"}

ENTERPRISE_CREATE = Schema(
    "EnterpriseCreate",
    {
        **{
            name: replace(spec, required=name in _REQUIRED_ON_CREATE)
            for name, spec in ENTERPRISE_BODY.items()
        },
        "province": Field(
            "string",
            "省级单位的行政区划代码：部级用户必填；省级用户可省略（即本省）",
            max_length=6,
        ),
    },
    "登记一家企业到本省（部级用户：province 指定的省级单位）名录。",
)
ENTERPRISE_UPDATE = Schema(
    "EnterpriseUpdate",
    {
        **ENTERPRISE_BODY,
        "version": Field("integer", "读取时的 version；记录已被他人修改时返回 409", minimum=1),
    },
    "只改给出的字段（部分更新）。",
)

PAGE = {
    "page": Field("integer", "页码（从 1 起）", minimum=1, maximum=100_000),
    "per_page": Field("integer", "每页条数（1–100，默认 25）", minimum=1, maximum=100),
}
PROVINCE_QUERY = Field(
    "string", "省级单位的行政区划代码：部级用户必填；省级用户可省略（即本省）", max_length=6
)

ENTERPRISE_QUERY = Schema(
    "EnterpriseQuery",
    {
        **PAGE,
        "q": Field("string", "企业名称的一部分，或统一社会信用代码", max_length=100),
        "industry": Field("string", "行业代码", max_length=40),
        "status": Field("string", "生产状态", enum=tuple(s.value for s in ProductionStatus)),
        "province": Field("string", "省级单位的行政区划代码（部级用户筛选用）", max_length=6),
    },
)

# -- tasks ----------------------------------------------------------------------------------

TASK_CREATE = Schema(
    "TaskCreate",
    {
        "enterprise_id": Field("integer", "企业 id（与 credit_code 二选一）", minimum=1),
        "credit_code": Field(
            "string", "企业的统一社会信用代码（与 enterprise_id 二选一）", max_length=40
        ),
        "category": Field(
            "integer", "监察类别（1–5，即专项监察一至五）", required=True, minimum=1, maximum=5
        ),
        "industry": Field(
            "string",
            "行业代码：类别一为附件1行业，类别二为阶梯电价行业",
            nullable=True,
            max_length=40,
        ),
        "agency": Field(
            "string",
            "承担机构：行政区划代码，或机构 id（整数）",
            required=True,
            also=("integer",),
            max_length=6,
            minimum=1,
        ),
        "inspectors": Field(
            "array", "监察人员的用户名", items=Field("string", max_length=64), max_items=20
        ),
        "planned_month": Field("integer", "计划月份（1–12）", nullable=True, minimum=1, maximum=12),
        "method": Field(
            "string", "监察方式（默认 on_site）", enum=tuple(m.value for m in ReviewMethod)
        ),
        "remarks": Field("string", "备注", nullable=True, max_length=255),
        "parent_task_id": Field(
            "integer",
            "所附任务 id（类别三必填：同一企业的类别一或二任务）",
            nullable=True,
            minimum=1,
        ),
    },
    "申报一项专项监察任务；enterprise_id 与 credit_code 给出其一。",
)
TASK_QUERY = Schema(
    "TaskQuery",
    {
        **PAGE,
        "province": PROVINCE_QUERY,
        "category": Field("integer", "只列该监察类别", minimum=1, maximum=5),
    },
)
ANNEX_QUERY = Schema("AnnexQuery", {"province": PROVINCE_QUERY})
SUBMISSION = Schema("Submission", {}, "报送不需要请求体（或给出空对象 {}）。", optional_body=True)
