"""The OpenAPI document is served, and stays in step with the routes and the validators."""

from __future__ import annotations

import pytest
from api_helpers import as_user

from conftest import World
from supervision.api import schemas
from supervision.api.openapi import openapi_path, operation_of
from supervision.api.schemas import ValidationFailed
from supervision.enterprises.service import FIELDS

API_METHODS = {"GET", "POST", "PATCH", "PUT", "DELETE"}


@pytest.fixture
def document(client, national):
    response = client.get("/api/v1/openapi.json")  # public: no token needed
    assert response.status_code == 200
    return response.json


def api_routes(app) -> set[tuple[str, str]]:
    return {
        (openapi_path(rule.rule)[0], method.lower())
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods & API_METHODS
    }


def documented(document) -> set[tuple[str, str]]:
    return {(path, method) for path, item in document["paths"].items() for method in item}


def resolve(document, schema: dict) -> dict:
    ref = schema.get("$ref")
    if ref:
        return document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return schema


def test_document_basics(document):
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    assert document["security"] == [{"bearerAuth": []}]
    assert document["paths"]["/api/v1/openapi.json"]["get"]["security"] == []


def test_every_route_is_documented_and_every_documented_operation_exists(app, document):
    routes, docs = api_routes(app), documented(document)
    assert routes, "no API routes found"
    assert routes - docs == set(), "routes missing from the document (add @operation)"
    assert docs - routes == set(), "documented operations without a route"


def test_every_api_view_declares_its_operation(app):
    undeclared = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        and operation_of(app.view_functions[rule.endpoint]) is None
    ]
    assert not undeclared


def test_path_parameters_match_the_route_variables(app, document):
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        path, _variables = openapi_path(rule.rule)
        for method in rule.methods & API_METHODS:
            operation = document["paths"][path][method.lower()]
            in_path = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert in_path == set(rule.arguments), (path, method)


def _operations(app, document):
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        declared = operation_of(app.view_functions[rule.endpoint])
        path, _ = openapi_path(rule.rule)
        for method in rule.methods & API_METHODS:
            yield rule.endpoint, declared, document["paths"][path][method.lower()]


def test_documented_request_bodies_are_exactly_what_the_validator_accepts(
    app, document, test_request_context
):
    checked = 0
    for endpoint, declared, operation in _operations(app, document):
        if declared.body is None:
            assert "requestBody" not in operation, endpoint
            continue
        schema = resolve(
            document, operation["requestBody"]["content"]["application/json"]["schema"]
        )
        properties = set(schema["properties"])
        assert schema["additionalProperties"] is False
        # Behaviour, not bookkeeping: no documented member is "unknown" to the validator …
        try:
            declared.body.validate(dict.fromkeys(properties), partial=True)
        except ValidationFailed as failed:
            assert "未知字段。" not in failed.errors.values(), (endpoint, failed.errors)
        # … and any other member is.
        with pytest.raises(ValidationFailed) as refused:
            declared.body.validate({"undocumented_member": 1}, partial=True)
        assert refused.value.errors == {"undocumented_member": "未知字段。"}
        assert set(schema.get("required", [])) == {
            n for n, f in declared.body.fields.items() if f.required
        }
        checked += 1
    assert checked >= 4


def test_documented_query_parameters_are_exactly_what_the_validator_accepts(
    app, document, test_request_context
):
    from werkzeug.datastructures import MultiDict

    for endpoint, declared, operation in _operations(app, document):
        in_query = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        accepted = set(declared.query.fields) if declared.query else set()
        assert in_query == accepted, endpoint
        if declared.query is None:
            continue
        try:
            declared.query.validate_query(MultiDict(dict.fromkeys(in_query, "1")))
        except ValidationFailed as failed:
            assert "未知参数。" not in failed.errors.values(), (endpoint, failed.errors)
        with pytest.raises(ValidationFailed):
            declared.query.validate_query(MultiDict({"undocumented": "1"}))


def test_enterprise_bodies_follow_the_registry_fields():
    assert set(schemas.ENTERPRISE_CREATE.fields) == set(FIELDS) | {"province"}
    assert set(schemas.ENTERPRISE_UPDATE.fields) == set(FIELDS) | {"version"}


def test_responses_have_exactly_the_documented_members(app, world: World, document):
    a = as_user(app, world.a_officer)
    components = document["components"]["schemas"]
    enterprise = a.get(f"/api/v1/enterprises/{world.a_enterprise.id}").json
    assert set(enterprise) == set(components["Enterprise"]["properties"])
    page = a.get("/api/v1/plans/2020/tasks").json
    assert set(page["items"][0]) == set(components["Task"]["properties"])
    assert set(page["filing"]) == set(components["Filing"]["properties"])
    listed = document["paths"]["/api/v1/plans/{year}/tasks"]["get"]["responses"]["200"]
    assert set(page) == set(listed["content"]["application/json"]["schema"]["properties"])


@pytest.fixture
def test_request_context(app):
    """Validation messages are translated: they need a request context."""
    with app.test_request_context():
        yield
