"""Optimistic locking of the main records, as two people in two browsers meet it: both open the
same edit form, both submit; the second is refused with a message naming the first and when,
and the record keeps the first one's values."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from conftest import World, login
from supervision.core import audit, versions
from supervision.core.errors import DomainError
from supervision.core.models import AuditEntry, Role
from supervision.core.versions import CHANGED_MEANWHILE, require_stamp, require_version, stamp
from supervision.datacentres.models import DataCentre, MonthlyReading
from supervision.enterprises.models import Enterprise
from supervision.extensions import db
from supervision.inspections.models import ChecklistEntry, InspectionCase, Verdict
from supervision.tasks.models import TaskFiling
from tests.inspections.inspections_support import Casework, casework  # noqa: F401

#: "（甲 于 2026-11-21 10:15 修改）": who and when, appended to the refusal.
BEIJING = ZoneInfo("Asia/Shanghai")
CHANGED_BY = re.compile(r"（(?P<who>[^（）]+) 于 (?P<when>\d{4}-\d\d-\d\d \d\d:\d\d) 修改）")


# -- a browser's view of a form -------------------------------------------------------------------


class _Forms(HTMLParser):
    """The forms of a page with the values a browser would submit (no submit buttons)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, MultiDict]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._first_option: tuple[str, str] | None = None
        self._selected = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append((a.get("action") or "", MultiDict()))
        if not self.forms or "disabled" in a:
            return
        fields = self.forms[-1][1]
        name = a.get("name")
        if tag == "input" and name and a.get("type", "text") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            fields.add(name, a.get("value", "on" if a.get("type") == "checkbox" else ""))
        elif tag == "textarea" and name:
            self._textarea = name
            fields.add(name, "")
        elif tag == "select" and name:
            self._select, self._first_option, self._selected = name, None, False
        elif tag == "option" and self._select:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = (self._select, value)
            if "selected" in a:
                fields.add(self._select, value)
                self._selected = True

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if not self._selected and self._first_option is not None:
                self.forms[-1][1].add(*self._first_option)
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            fields = self.forms[-1][1]
            fields.setlist(self._textarea, [fields.get(self._textarea, "") + data])


@dataclass
class OpenForm:
    """A form as one browser has it open: where it posts and what it would send."""

    client: object
    action: str
    fields: MultiDict

    def submit(self, **changes):
        data = MultiDict(self.fields)
        for name, value in changes.items():
            data.setlist(name, value if isinstance(value, list) else [value])
        return self.client.post(self.action, data=data)


def open_form(client, url: str, action: str | None = None) -> OpenForm:
    """GET ``url`` and take the form that carries a version (posting to ``action`` if given)."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    parser = _Forms()
    parser.feed(page.get_data(as_text=True))
    for form_action, fields in parser.forms:
        if "version" in fields and (action is None or form_action == action):
            return OpenForm(client, form_action or url, fields)
    raise AssertionError(f"no form with a version on {url}")


def browser(app, user):
    client = app.test_client()
    login(client, user.username)
    return client


def assert_refused_naming(response, user) -> None:
    html = response.get_data(as_text=True)
    found = CHANGED_BY.search(html)
    assert found is not None, html[:3000]
    assert found["who"] == user.full_name
    # When: the first one's save a moment ago, in the users' time zone (to the minute).
    when = datetime.strptime(found["when"], "%Y-%m-%d %H:%M").replace(tzinfo=BEIJING)
    assert abs((datetime.now(UTC) - when).total_seconds()) < 180


# -- the records --------------------------------------------------------------------------------


@pytest.fixture
def officer2(make_user):
    return make_user("a-officer-2", Role.PROVINCIAL_OFFICER, "320000", full_name="乙官员")


@pytest.fixture
def centre(world: World) -> DataCentre:
    found = DataCentre(
        enterprise_id=world.a_enterprise.id,
        province_id=world.a_province.id,
        name="南京一号机房",
        large=True,
    )
    db.session.add(found)
    db.session.commit()
    return found


def test_enterprise_edit(app, world: World, officer2):
    enterprise = world.a_enterprise
    url = f"/enterprises/{enterprise.id}/edit"
    first = open_form(browser(app, world.a_officer), url)
    second = open_form(browser(app, officer2), url)
    assert first.submit(name="甲改的名称").status_code == 302
    refused = second.submit(name="乙改的名称", address="乙改的地址")
    assert "该企业信息已被他人修改" in refused.get_data(as_text=True)
    assert_refused_naming(refused, world.a_officer)
    db.session.expire_all()
    kept = db.session.get(Enterprise, enterprise.id)
    assert (kept.name, kept.address or "") == ("甲改的名称", "")


def test_an_unreadable_version_is_refused_not_ignored(app, world: World):
    """A form whose version was tampered with is not saved as if it carried none."""
    enterprise = world.a_enterprise
    before = enterprise.name
    url = f"/enterprises/{enterprise.id}/edit"
    form = open_form(browser(app, world.a_officer), url)
    refused = form.submit(name="篡改版本号", version="abc")
    assert refused.status_code != 302
    assert "该企业信息已被他人修改" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Enterprise, enterprise.id).name == before


@pytest.mark.parametrize(
    ("sent", "version"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        ("7", 7),
        (" 7 ", 7),
        ("abc", 0),
        ("-1", 0),
        ("1.5", 0),
    ],
)
def test_a_sent_version_is_read_once_for_every_form(sent, version):
    """Blank: the form had none (a new record's); anything else not a number is never current,
    so the step is refused as stale rather than saved unchecked."""
    assert versions.parse(sent) == version


def test_case_visit(app, casework: Casework):
    world = casework.world
    case = casework.open(4)
    first = open_form(
        browser(app, world.a_inspector), f"/cases/{case.id}", f"/cases/{case.id}/visit"
    )
    second = open_form(
        browser(app, casework.partner), f"/cases/{case.id}", f"/cases/{case.id}/visit"
    )
    assert first.submit(visit_on="2020-05-12").status_code == 302
    refused = second.submit(visit_on="2020-06-30")
    assert_refused_naming(refused, world.a_inspector)
    db.session.expire_all()
    assert str(db.session.get(InspectionCase, case.id).visit_on) == "2020-05-12"


QUOTA = {"product": "硫磺制酸::单位产品综合能耗", "energy_electricity": "10 000 000"}


def test_case_measurement_quota(app, casework: Casework):
    world = casework.world
    case = casework.open(1, "sulphuric_acid")
    url = f"/cases/{case.id}/quota"
    first = open_form(browser(app, world.a_inspector), url)
    second = open_form(browser(app, casework.partner), url)
    assert first.submit(**QUOTA, output="100000").status_code == 302
    refused = second.submit(**QUOTA, output="50000")
    assert refused.status_code == 422
    assert_refused_naming(refused, world.a_inspector)
    db.session.expire_all()
    (verdict,) = db.session.scalars(select(Verdict).where(Verdict.case_id == case.id))
    assert verdict.entered["output"] == "100000"
    # Reopened, the form saves again (and a form from before that save is refused).
    third = open_form(browser(app, casework.partner), url)
    assert third.submit(**QUOTA, output="50000").status_code == 302
    assert first.submit(**QUOTA, output="1").status_code == 422


def test_case_checklist(app, casework: Casework):
    world = casework.world
    case = casework.open(4)
    url = f"/cases/{case.id}/checklist"
    first = open_form(browser(app, world.a_inspector), url)
    second = open_form(browser(app, casework.partner), url)
    assert first.submit(result_energy_manager="pass").status_code == 302
    refused = second.submit(result_energy_manager="fail", note_energy_manager="未设能源管理岗位")
    assert_refused_naming(refused, world.a_inspector)
    db.session.expire_all()
    (entry,) = db.session.scalars(select(ChecklistEntry).where(ChecklistEntry.case_id == case.id))
    assert (entry.item, entry.result.value, entry.note) == ("energy_manager", "pass", "")


def test_data_centre_readings(app, world: World, officer2, centre: DataCentre):
    url = f"/data-centres/{centre.id}/readings/2020"
    first = open_form(browser(app, world.a_officer), url)
    second = open_form(browser(app, officer2), url)
    assert first.submit(total_1="1500000", it_1="1000000").status_code == 302
    refused = second.submit(total_1="9", it_1="8", total_2="1400000", it_2="1000000")
    assert refused.status_code == 422
    assert_refused_naming(refused, world.a_officer)
    db.session.expire_all()
    readings = db.session.scalars(
        select(MonthlyReading).where(MonthlyReading.data_centre_id == centre.id)
    ).all()
    assert [(r.month.month, r.total_kwh) for r in readings] == [(1, Decimal("1500000.00"))]


def test_data_centre_edit(app, world: World, officer2, centre: DataCentre):
    url = f"/data-centres/{centre.id}"
    first = open_form(browser(app, world.a_officer), url, url)
    second = open_form(browser(app, officer2), url, url)
    assert first.submit(racks="3000").status_code == 302
    refused = second.submit(racks="12")
    assert "该数据中心已被他人修改" in refused.get_data(as_text=True)
    assert_refused_naming(refused, world.a_officer)
    db.session.expire_all()
    assert db.session.get(DataCentre, centre.id).racks == 3000


def test_task_filing_funds(app, world: World, officer2):
    url = "/tasks/2020/320000/funds"
    first = open_form(browser(app, world.a_officer), url)
    second = open_form(browser(app, officer2), url)
    assert first.submit(funds_requested="120.00").status_code == 302
    refused = second.submit(funds_requested="80.00")
    assert_refused_naming(refused, world.a_officer)
    db.session.expire_all()
    filing = db.session.scalar(
        select(TaskFiling).where(TaskFiling.province_id == world.a_province.id)
    )
    assert filing.funds_requested == Decimal("120.00")


# -- the rule itself ----------------------------------------------------------------------------


def test_refusal_names_the_last_change_from_the_audit_log(app, world: World, officer2):
    enterprise = world.a_enterprise
    seen = enterprise.version
    with audit.acting_as(audit.Actor.for_user(officer2)):
        enterprise.address = "新地址"
        db.session.commit()
    with pytest.raises(DomainError) as refused:
        require_version(enterprise, seen)
    assert str(refused.value).startswith("该记录已被他人修改，请刷新页面后重试。（乙官员 于 ")
    entry = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity == "enterprises", AuditEntry.entity_id == str(enterprise.id))
        .order_by(AuditEntry.id.desc())
    ).first()
    local = entry.at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
    assert str(refused.value).endswith(f"（乙官员 于 {local} 修改）")
    require_version(enterprise, enterprise.version)  # current: no refusal
    require_version(enterprise, None)  # a client that sends no version is not checked


def test_a_group_stamp_notices_changes_additions_and_removals(app, casework: Casework):
    world = casework.world
    case = casework.open(4)
    with audit.acting_as(audit.Actor.for_user(world.a_inspector)):
        entry = ChecklistEntry(case=case, item="energy_manager", note="甲")
        db.session.add(entry)
        db.session.commit()
    seen = stamp([entry])
    require_stamp("checklist_entries", [entry], seen)
    with audit.acting_as(audit.Actor.for_user(casework.partner)):
        db.session.delete(entry)
        db.session.commit()
    # Removed since the form was opened: the deletion is the last change.
    with pytest.raises(DomainError, match="（乙监察员 于 "):
        require_stamp("checklist_entries", [], seen)
    # Nothing there when the form was opened, one row now.
    with audit.acting_as(audit.Actor.for_user(world.a_inspector)):
        again = ChecklistEntry(case=case, item="energy_manager", note="再次")
        db.session.add(again)
        db.session.commit()
    with pytest.raises(DomainError, match=f"（{world.a_inspector.full_name} 于 "):
        require_stamp("checklist_entries", [again], "")
    require_stamp("checklist_entries", [again], None)


def test_two_first_saves_at_once_are_a_conflict_not_a_server_error(
    app, world: World, officer2, centre: DataCentre, monkeypatch
):
    """Both forms pass their checks before either commits, and both add January: the table's
    unique key lets one in and the other is told the record changed meanwhile (409), with
    nothing of his written. The race is staged by having the second save add its January
    beside the first's, as it would have had it read the year before the first committed."""
    from supervision.datacentres import service as datacentres

    url = f"/data-centres/{centre.id}/readings/2020"
    first = open_form(browser(app, world.a_officer), url)
    second = open_form(browser(app, officer2), url)
    assert first.submit(total_1="1500000", it_1="1000000").status_code == 302

    def save_year_unaware_of_the_first(data_centre, year, values, **_ignored):
        db.session.add(
            MonthlyReading(
                data_centre_id=data_centre.id,
                month=date(year, 1, 1),
                total_kwh=Decimal(9),
                it_kwh=Decimal(8),
            )
        )
        db.session.flush()

    monkeypatch.setattr(datacentres, "save_year", save_year_unaware_of_the_first)
    refused = second.submit(total_1="9", it_1="8")
    assert refused.status_code == 409
    assert str(CHANGED_MEANWHILE) in refused.get_data(as_text=True)
    db.session.expire_all()
    readings = db.session.scalars(
        select(MonthlyReading).where(MonthlyReading.data_centre_id == centre.id)
    ).all()
    assert [(r.month.month, r.total_kwh) for r in readings] == [(1, Decimal("1500000.00"))]
