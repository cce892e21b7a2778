"""Pages of this feature."""

from . import bp  # noqa: F401
