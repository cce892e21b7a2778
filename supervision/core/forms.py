"""Form helpers shared by every feature."""

from collections.abc import Callable
from typing import TypeVar

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from ..extensions import db
from .errors import DomainError

T = TypeVar("T")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def as_choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def run_service(form, action: Callable[[], T]) -> T | None:
    """Run a service call for a submitted form and own its transaction.

    Success commits and returns the service's result; a refusal (``DomainError``) rolls
    back, shows the message beside its field and returns None.
    """
    try:
        result = action()
    except DomainError as error:
        db.session.rollback()
        attach_error(form, error)
        return None
    db.session.commit()
    return result


def attach_error(form, error: DomainError) -> None:
    """Show a service's refusal beside the field it concerns, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        form.form_errors.append(str(error))


def strip(value):
    """Filter: trim surrounding white space from text input (None stays None)."""
    return value.strip() if isinstance(value, str) else value


OPTIONAL_TEXT = _l("（选填）")
