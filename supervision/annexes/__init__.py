"""The plan's annexes as the ministry expects them: 任务汇总表, 企业名单, the national workbook."""

from flask import Blueprint

bp = Blueprint("annexes", __name__, url_prefix="/annexes")

from . import views  # noqa: E402,F401
