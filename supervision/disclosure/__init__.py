"""Public disclosure of violators (依法公布违规企业名单): the publish step and the public list."""

from flask import Blueprint

bp = Blueprint("disclosure", __name__, url_prefix="/disclosure")

from . import models, views  # noqa: E402,F401
