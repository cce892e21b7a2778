"""Error pages in the user's language, and domain errors every feature may raise."""

import json

from flask import current_app, g, make_response, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import BadRequest

from .workdays import CalendarNotAvailable


class InvalidInput(BadRequest):
    """Input refused before any view saw it; ``description`` is shown to the user."""


class DomainError(Exception):
    """A business rule refused an operation; the message is shown to the user as is.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


#: Requests under this prefix come from programs: their errors are JSON, never pages.
API_PREFIX = "/api/"


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def json_response(data, status: int = 200, headers: dict | None = None):
    """JSON in UTF-8 as it is (Chinese stays readable, not \\u-escaped)."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return current_app.response_class(
        body, status=status, headers=headers, mimetype="application/json"
    )


def json_error(status: int, message: str, **extra):
    """The API's error body: ``{"status": 404, "message": "…"}`` plus any ``extra`` members."""
    headers = {"WWW-Authenticate": 'Bearer realm="api"'} if status == 401 else None
    return json_response({"status": status, "message": str(message), **extra}, status, headers)


def _page(status: int, title: str, message: str, api_message: str | None = None):
    if is_api_request():
        return json_error(status, api_message or message)
    return render_template("errors/error.html", status=status, title=title, message=message), status


def init_app(app) -> None:
    @app.errorhandler(400)
    def bad_request(error):
        if isinstance(error, InvalidInput):
            return _page(400, _("请求无效"), error.description)
        if isinstance(error, CSRFError):
            return _page(
                400, _("页面已过期"), _("页面已过期或缺少安全令牌，请刷新页面后重新提交。")
            )
        return _page(400, _("请求无效"), _("请求无效，请返回后刷新页面再试。"), _("请求无效。"))

    @app.errorhandler(401)
    def unauthorized(error):
        return _page(
            401,
            _("需要登录"),
            _("请先登录。"),
            _("缺少有效的访问令牌：请在请求头中提供 Authorization: Bearer <令牌>。"),
        )

    @app.errorhandler(403)
    def forbidden(error):
        return _page(
            403,
            _("无权访问"),
            _("您的账号没有访问此页面的权限。"),
            _("您的账号没有执行此操作的权限。"),
        )

    @app.errorhandler(404)
    def not_found(error):
        return _page(
            404,
            _("未找到"),
            _("您要找的页面或记录不存在，或不在您的权限范围内。"),
            _("您要找的地址或记录不存在，或不在您的权限范围内。"),
        )

    @app.errorhandler(405)
    def method_not_allowed(error):
        response = make_response(
            _page(
                405,
                _("不支持的操作"),
                _("此页面不支持该请求方式。"),
                _("该地址不支持此请求方式。"),
            )
        )
        if getattr(error, "valid_methods", None):  # RFC 9110: a 405 names the methods it allows
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(409)
    def conflict(error):
        return _page(409, _("操作冲突"), _("该操作与记录的当前状态冲突，请刷新后再试。"))

    @app.errorhandler(413)
    def too_large(error):
        # Refused from the Content-Length header (or while reading): no byte of the body was
        # kept. The limit is the request's own (an import kind may allow more than the app).
        limit = g.get("upload_limit") or request.max_content_length
        mb = f"{limit / (1024 * 1024):g}" if limit else "?"
        return _page(
            413,
            _("文件过大"),
            _(
                "上传的内容超过了允许的 %(mb)s MB，未保存任何内容。请压缩或拆分文件后重新上传。",
                mb=mb,
            ),
            _("请求内容超过了允许的 %(mb)s MB，未处理。", mb=mb),
        )

    @app.errorhandler(429)
    def too_many(error):
        return _page(429, _("请求过于频繁"), _("请稍后再试。"))

    @app.errorhandler(StaleDataError)
    def changed_meanwhile(error: StaleDataError):
        # Two saves of one record at the same moment: both passed the version check, the
        # database let only the first UPDATE through (version_id_col); the second is refused.
        from ..extensions import db
        from .versions import CHANGED_MEANWHILE

        db.session.rollback()
        return _page(409, _("操作冲突"), str(CHANGED_MEANWHILE))

    @app.errorhandler(IntegrityError)
    def saved_meanwhile(error: IntegrityError):
        # Two people adding the same record at the same moment (a month's reading, a checklist
        # line): both passed the form's checks, the table's unique key let only the first in.
        # Anything else reaching here is a missing check: logged, and still nothing is written.
        from ..extensions import db
        from .versions import CHANGED_MEANWHILE

        db.session.rollback()
        current_app.logger.warning("refused by the database: %s", error.orig)
        return _page(409, _("操作冲突"), str(CHANGED_MEANWHILE))

    @app.errorhandler(CalendarNotAvailable)
    def no_calendar(error: CalendarNotAvailable):
        return _page(
            409,
            _("缺少工作日历"),
            _(
                "尚无 %(year)s 年的法定节假日安排，无法计算工作日。请联系部级业务人员在“工作日历”中导入该年度安排。",
                year=error.year,
            ),
        )

    @app.errorhandler(500)
    def server_error(error):
        return _page(
            500, _("系统错误"), _("处理请求时发生错误，已记录。请稍后重试或联系系统管理员。")
        )
