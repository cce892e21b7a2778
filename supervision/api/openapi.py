"""The OpenAPI 3.1 document, built from the API's routes and the schemas their views declare
(the same schemas that validate requests: the document cannot drift from the code)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from ..core.access import PUBLIC
from . import outputs
from .outputs import Output
from .schemas import Schema

F = TypeVar("F", bound=Callable[..., Any])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: ``<int:enterprise_id>`` → (converter, name).
RULE_VARIABLE = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
CONVERTER_TYPES = {"int": "integer", "int32": "integer", "float": "number"}


@dataclass(frozen=True)
class Operation:
    """What one API view accepts and answers."""

    summary: str
    description: str = ""
    body: Schema | None = None
    query: Schema | None = None
    #: The object answered (None: no JSON body, see ``status`` and ``media_type``).
    returns: Output | None = None
    #: Answer a page of ``returns``: {total, page, per_page, items}.
    paged: bool = False
    #: Further members of the answer beside the page, each an object or null.
    beside: tuple[tuple[str, Output], ...] = ()
    status: int = 200
    media_type: str = "application/json"
    #: Whether the operation may answer 409 (duplicate, stale version, filing locked); 400,
    #: 401, 403, 404, 415 and 422 follow from the access rule, the path and the declared input.
    conflicts: bool = False


def operation(summary: str, **details) -> Callable[[F], F]:
    """Declare a view's API contract: validated by ``views`` and published in the document."""

    def mark(view: F) -> F:
        view.__api__ = Operation(summary, **details)  # type: ignore[attr-defined]
        return view

    return mark


def operation_of(view) -> Operation | None:
    return getattr(view, "__api__", None)


def openapi_path(rule_text: str) -> tuple[str, list[tuple[str, str]]]:
    """Flask's ``/a/<int:x>`` as OpenAPI's ``/a/{x}``, with the variables and their types."""
    variables = [
        (name, CONVERTER_TYPES.get(conv or "", "string"))
        for conv, name in RULE_VARIABLE.findall(rule_text)
    ]
    return RULE_VARIABLE.sub(lambda m: "{" + m.group(2) + "}", rule_text), variables


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def _success(op: Operation) -> dict:
    if op.status == 204:
        return {"description": "成功（无内容）"}
    if op.media_type != "application/json":
        return {
            "description": "成功",
            "content": {op.media_type: {"schema": {"type": "string", "format": "binary"}}},
        }
    if op.returns is None:
        return {"description": "成功", "content": _json({"type": "object"})}
    schema = _ref(op.returns.name)
    if op.paged:
        properties = {
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "items": {"type": "array", "items": schema},
        }
        for name, output in op.beside:
            properties[name] = {"oneOf": [_ref(output.name), {"type": "null"}]}
        schema = {"type": "object", "properties": properties, "required": list(properties)}
    return {"description": "成功", "content": _json(schema)}


def _errors(op: Operation, *, public: bool, has_lookup: bool) -> dict:
    responses = {}

    def add(status: int, description: str, schema: str = "Error") -> None:
        responses[str(status)] = {"description": description, "content": _json(_ref(schema))}

    # Control characters in the query string are refused before any view (core.security):
    # every operation may answer 400, one with a body also for JSON that does not parse.
    unreadable = "，或请求体不是有效的 JSON" if op.body is not None else ""
    add(400, f"请求无效：查询参数含控制字符{unreadable}")
    if op.body is not None:
        add(415, "请求体不是 application/json")
    if not public:
        add(401, "缺少有效的访问令牌")
        add(403, "没有此操作的权限")
    if has_lookup or not public:
        add(404, "记录不存在，或不在权限范围内")
    if op.conflicts:
        add(409, "与记录的当前状态冲突（重复、版本过期、已报送）")
    # Every operation checks its query string: an undeclared parameter is refused too.
    add(422, "请求数据有误（含未声明的查询参数）：errors 逐项说明", "ValidationError")
    return responses


def _operation(endpoint: str, op: Operation, view, variables) -> dict:
    public = getattr(view, "__access__", None) == PUBLIC
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": kind}}
        for name, kind in variables
    ]
    if op.query is not None:
        parameters += [
            {
                "name": name,
                "in": "query",
                "required": spec.required,
                "description": spec.description,
                "schema": spec.json_schema(),
            }
            for name, spec in op.query.fields.items()
        ]
    result: dict = {
        "operationId": endpoint.removeprefix("api."),
        "summary": op.summary,
        "responses": {
            str(op.status): _success(op),
            **_errors(op, public=public, has_lookup=bool(variables)),
        },
    }
    if op.description:
        result["description"] = op.description
    if parameters:
        result["parameters"] = parameters
    if op.body is not None:
        result["requestBody"] = {
            "required": not op.body.optional_body,
            "content": _json(_ref(op.body.name)),
        }
    if public:
        result["security"] = []
    return result


def build_document(app, endpoint_prefix: str = "api.") -> dict:
    """The document of every route whose endpoint starts with ``endpoint_prefix``."""
    paths: dict[str, dict] = {}
    bodies: dict[str, Schema] = {}
    answers: dict[str, Output] = {output.name: output for output in outputs.OUTPUTS}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith(endpoint_prefix):
            continue
        view = app.view_functions[rule.endpoint]
        op = operation_of(view)
        if op is None:  # undeclared: left out, and the sync test says so
            continue
        path, variables = openapi_path(rule.rule)
        if op.body is not None:
            bodies[op.body.name] = op.body
        for output in (op.returns, *(o for _name, o in op.beside)):
            if output is not None:
                answers.setdefault(output.name, output)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(
                rule.endpoint, op, view, variables
            )
    components = {name: body.json_schema() for name, body in sorted(bodies.items())}
    components |= {name: output.json_schema() for name, output in sorted(answers.items())}
    components["Error"] = {
        "type": "object",
        "properties": {"status": {"type": "integer"}, "message": {"type": "string"}},
        "required": ["status", "message"],
    }
    components["ValidationError"] = {
        "type": "object",
        "properties": {
            "status": {"type": "integer", "const": 422},
            "message": {"type": "string"},
            "errors": {
                "type": "object",
                "description": "字段名 → 说明；未知字段为“未知字段。”",
                "additionalProperties": {"type": "string"},
            },
        },
        "required": ["status", "message", "errors"],
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "节能监察 API",
            "version": "1",
            "description": (
                "供已有企业名录和任务系统的省级单位对接。令牌在“个人设置”中创建，"
                "以 Authorization: Bearer <令牌> 发送；权限与页面相同。出错时返回 JSON："
                "{status, message}，数据校验失败（422）另有 errors（字段 → 说明）。"
            ),
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "个人设置中创建的 API 令牌（jnjc_ 开头）",
                }
            },
        },
        "security": [{"bearerAuth": []}],
    }
