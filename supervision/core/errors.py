"""Error pages in the user's language, and domain errors every feature may raise."""

from flask import render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
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


def _page(status: int, title: str, message: str):
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
        return _page(400, _("请求无效"), _("请求无效，请返回后刷新页面再试。"))

    @app.errorhandler(403)
    def forbidden(error):
        return _page(403, _("无权访问"), _("您的账号没有访问此页面的权限。"))

    @app.errorhandler(404)
    def not_found(error):
        return _page(404, _("未找到"), _("您要找的页面或记录不存在，或不在您的权限范围内。"))

    @app.errorhandler(405)
    def method_not_allowed(error):
        return _page(405, _("不支持的操作"), _("此页面不支持该请求方式。"))

    @app.errorhandler(413)
    def too_large(error):
        return _page(413, _("文件过大"), _("上传的内容超过了允许的大小。"))

    @app.errorhandler(429)
    def too_many(error):
        return _page(429, _("请求过于频繁"), _("请稍后再试。"))

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
