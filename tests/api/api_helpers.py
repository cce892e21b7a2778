"""Shared helpers of the API tests: tokens and clients that send them."""

from __future__ import annotations

from conftest import NOW
from supervision.api import service
from supervision.extensions import db


def bearer_for(user, name: str = "test") -> dict[str, str]:
    """Headers carrying a fresh token of ``user``."""
    _token, raw = service.create_token(user, name, now=NOW)
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


class TokenClient:
    """A test client whose every request carries the given headers (a bearer token)."""

    def __init__(self, app, headers: dict[str, str]):
        self.client = app.test_client()
        self.headers = headers

    def open(self, method: str, url: str, **kwargs):
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.client.open(url, method=method, headers=headers, **kwargs)

    def get(self, url, **kwargs):
        return self.open("GET", url, **kwargs)

    def post(self, url, **kwargs):
        return self.open("POST", url, **kwargs)

    def patch(self, url, **kwargs):
        return self.open("PATCH", url, **kwargs)

    def delete(self, url, **kwargs):
        return self.open("DELETE", url, **kwargs)


def as_user(app, user) -> TokenClient:
    """A client authenticated by a new token of ``user``."""
    return TokenClient(app, bearer_for(user))
