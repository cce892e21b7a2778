"""Forms of the training sessions: a session (附表1 row) and a registration receipt (附表2)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from ..core.forms import OPTIONAL_TEXT, MultiCheckboxField, as_choices, strip
from .rules.training import ATTENDEE_FIELDS, ATTENDEE_ROWS, FULL_ROWS, LAST_ROW_FIELDS
from .training import RegistrationData, SessionData

DATE_FORMAT = _l("请填写日期（YYYY-MM-DD）。")
TOO_LONG = _l("内容过长。")


def _text(label, length: int, *, required: str | None = None, description=None):
    validators = [DataRequired(message=required)] if required else [Optional()]
    return StringField(
        label,
        [*validators, Length(max=length, message=TOO_LONG)],
        filters=[strip],
        description=description,
    )


class SessionForm(FlaskForm):
    region = _text(
        _l("片区"), 40, required=_l("请填写片区。"), description=_l("例如“北京”“成都”。")
    )
    held_on = DateField(_l("培训日期"), [DataRequired(message=DATE_FORMAT)])
    hours = _text(_l("培训时间"), 40, description=_l("例如“13:30—17:30”。"))
    venue = _text(_l("地点"), 120, required=_l("请填写培训地点。"))
    address = _text(_l("地址"), 255)
    contacts = _text(_l("联系人"), 120)
    phones = _text(_l("联系电话"), 200)
    fax = _text(_l("传真"), 80)
    register_by = DateField(
        _l("报名截止日期"),
        [Optional()],
        description=_l("报名回执应于该日前传真或在本系统填报。"),
    )
    unit_ids = MultiCheckboxField(_l("参加培训省市"), coerce=int, choices=[], default=[])

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_ids.choices = as_choices((u.id, u.name) for u in units)

    def data_object(self) -> SessionData:
        return SessionData(
            region=self.region.data or "",
            held_on=self.held_on.data,
            venue=self.venue.data or "",
            hours=self.hours.data or "",
            address=self.address.data or "",
            contacts=self.contacts.data or "",
            phones=self.phones.data or "",
            fax=self.fax.data or "",
            register_by=self.register_by.data,
        )


class RegistrationForm(FlaskForm):
    unit = HiddenField()
    unit_name = _text(_l("单位名称"), 120, required=_l("请填写单位名称。"))
    fax = _text(_l("传真"), 40, description=OPTIONAL_TEXT)
    email = StringField(
        _l("电子邮件"),
        [Optional(), Email(message=_l("请填写有效的电子邮件地址。")), Length(max=120)],
        filters=[strip],
    )
    room_needed = RadioField(
        _l("是否需要预定房间"),
        choices=as_choices([("yes", _l("是")), ("no", _l("否"))]),
        default="no",
    )
    remarks = TextAreaField(
        _l("备注"),
        [Optional(), Length(max=2000, message=TOO_LONG)],
        filters=[strip],
        description=OPTIONAL_TEXT,
    )

    def person(self, row: int, key: str):
        """The field of one row of the people table (rows from 0)."""
        return self[f"p{row}_{key}"]

    @property
    def rows(self) -> list[list]:
        """The people table as the template draws it: each row's fields (the last row has a
        name and a mobile only)."""
        return [
            [self.person(n, k) for k in (ATTENDEE_FIELDS if n < FULL_ROWS else LAST_ROW_FIELDS)]
            for n in range(ATTENDEE_ROWS)
        ]

    def data_object(self) -> RegistrationData:
        return RegistrationData(
            unit_name=self.unit_name.data or "",
            attendees=[
                {
                    k: (self.person(n, k).data or "") if f"p{n}_{k}" in self else ""
                    for k in ATTENDEE_FIELDS
                }
                for n in range(ATTENDEE_ROWS)
            ],
            fax=self.fax.data or "",
            email=self.email.data or "",
            room_needed=self.room_needed.data == "yes",
            remarks=self.remarks.data or "",
        )

    def fill(self, registration, unit) -> None:
        """Show a saved receipt (or a blank one named after the unit)."""
        if registration is None:
            self.unit_name.data = unit.name
            return
        self.unit_name.data = registration.unit_name
        people = registration.attendees or []
        for n, person in enumerate(people[:ATTENDEE_ROWS]):
            for key in ATTENDEE_FIELDS:
                if f"p{n}_{key}" in self:
                    self.person(n, key).data = person.get(key, "")
        self.fax.data = registration.fax
        self.email.data = registration.email
        self.room_needed.data = "yes" if registration.room_needed else "no"
        self.remarks.data = registration.remarks


_PERSON_LABELS = {
    "name": (_l("姓名"), 40),
    "position": (_l("职务/职称"), 60),
    "office_phone": (_l("办公电话"), 40),
    "mobile": (_l("手机"), 40),
}
# 附表2's rows: p0_name … p2_mobile, then p3_name and p3_mobile.
for _n in range(ATTENDEE_ROWS):
    for _key in ATTENDEE_FIELDS if _n < FULL_ROWS else LAST_ROW_FIELDS:
        _label, _length = _PERSON_LABELS[_key]
        setattr(RegistrationForm, f"p{_n}_{_key}", _text(_label, _length))
