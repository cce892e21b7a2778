"""Pages of the rectification feature."""

from __future__ import annotations

from . import bp  # noqa: F401
