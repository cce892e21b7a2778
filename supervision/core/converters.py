"""URL converters."""

from datetime import date

from werkzeug.routing import BaseConverter, ValidationError


class IsoDateConverter(BaseConverter):
    """``<isodate:on>``: a YYYY-MM-DD date (an impossible date is a 404)."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value: str) -> date:
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise ValidationError() from exc

    def to_url(self, value: date) -> str:
        return value.isoformat()
