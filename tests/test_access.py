"""Every route, walked with every role and with a user of another province.

New routes are covered automatically: a route whose URL needs a value this file cannot
supply fails ``test_every_route_can_be_walked`` until a sample is added to SAMPLES.
"""

from __future__ import annotations

from datetime import date

import pytest
from flask import url_for
from sqlalchemy import func, select

from conftest import World, login
from supervision.core.access import LOGIN, PUBLIC, access_of, permitted, sees_everything
from supervision.core.models import AuditEntry, User
from supervision.core.types import utcnow
from supervision.extensions import db

SKIPPED_ENDPOINTS = {"static", "bootstrap.static"}

#: URL variable → (value for a record of province A, whose record it is: "A" or "national").
SAMPLES = {
    "user_id": lambda w: (w.a_inspector.id, "A"),
    "org_id": lambda w: (w.a_agency.id, "A"),
    "entity": lambda w: ("organisations", "A"),
    "entity_id": lambda w: (str(w.a_agency.id), "A"),
    "on": lambda w: (date(2027, 1, 1), "national"),
    "year": lambda w: (2020, "national"),
    "plan_year": lambda w: (2020, "national"),
    "province_code": lambda w: ("320000", "A"),
    "task_id": lambda w: (w.a_task.id, "A"),
    "event_id": lambda w: (_a_filing_event(w).id, "A"),
    "deliverable_id": lambda w: (_plan_2020().deliverables[0].id, "national"),
    "limit_id": lambda w: (_plan_limit().id, "national"),
    "enterprise_id": lambda w: (w.a_enterprise.id, "A"),
    "job_id": lambda w: (_a_import_job(w).id, "A"),
    # A kind every domain role reaches (the registry's kinds are for officers only).
    "kind": lambda w: ("equipment_ledger", "national"),
    "table": lambda w: ("ladder_schedules", "national"),
    "revision": lambda w: (1, "national"),
    "token_id": lambda w: (_a_api_token(w).id, "A"),
    "case_id": lambda w: (_a_case(w).id, "A"),
    "form_name": lambda w: ("visit", "A"),
    "dc_id": lambda w: (_a_data_centre(w).id, "A"),
    "item_id": lambda w: (_an_equipment_item(w).id, "A"),
    "evidence_id": lambda w: (_a_evidence(w).id, "A"),
    "finding_id": lambda w: (_a_finding(w).id, "A"),
    "notice_id": lambda w: (_a_notice(w).id, "A"),
    # A notice's file (evidence_id names a case's file, a different route).
    "attachment_id": lambda w: (_a_notice_file(w).id, "A"),
    "publication_id": lambda w: (_a_publication(w).id, "A"),
    "deadline_id": lambda w: (_a_deadline(w).id, "A"),
    "deadline_kind": lambda w: ("task_filing", "national"),
    # Verification: the fixture campaign has tasks for A and B, so its own pages are national.
    "campaign_id": lambda w: (_v(w)["campaign"], "national"),
    "unit_id": lambda w: (w.a_province.id, "A"),
    "vtask_id": lambda w: (_v(w)["end_user_task"], "A"),
    "session_id": lambda w: (_v(w)["session"], "national"),
    "draw_id": lambda w: (_v(w)["draw"], "A"),
    "sample_id": lambda w: (_v(w)["sample"], "A"),
    "method": lambda w: ("phone", "national"),
    "product_id": lambda w: (_v(w)["product"], "A"),
    "claim_id": lambda w: (_v(w)["claim"], "A"),
    "report_id": lambda w: (_v(w)["report"], "A"),
    "sales_table": lambda w: ("consumer_sales", "national"),
    # Expert reviews are national (the ministry's officers and the experts sitting on them).
    "review_id": lambda w: (_p(w)["review"], "national"),
    "expert_id": lambda w: (_p(w)["expert"], "national"),
    "candidate_id": lambda w: (_p(w)["candidate"], "national"),
    "committee_draw_id": lambda w: (_p(w)["committee_draw"], "national"),
    "member_id": lambda w: (_p(w)["member"], "national"),
    # Pilots: the call is national; applicants, pilots and their daily data are A's.
    "call_id": lambda w: (_p(w)["call"], "national"),
    "application_id": lambda w: (_p(w)["application"], "A"),
    "document_id": lambda w: (_p(w)["document"], "A"),
    "pilot_id": lambda w: (_p(w)["pilot"], "A"),
    "outlet_id": lambda w: (_p(w)["outlet"], "A"),
    "trade_in_id": lambda w: (_p(w)["trade_in"], "A"),
    "pack_id": lambda w: (_p(w)["pack"], "A"),
    "quarter_id": lambda w: (_p(w)["quarter"], "A"),
    "check_draw_id": lambda w: (_p(w)["check_draw"], "A"),
    "check_id": lambda w: (_p(w)["check"], "A"),
    "complaint_id": lambda w: (_p(w)["complaint"], "A"),
    # Daily supervision (双随机), annual summaries, follow-up of findings (issue 8).
    "daily_draw_id": lambda w: (_d(w)["daily_draw"], "A"),
    "relation_id": lambda w: (_d(w)["relation"], "A"),
    "summary_event_id": lambda w: (_s(w)["summary_event"], "A"),
    "suggestion_id": lambda w: (_fu(w)["suggestion"], "A"),
    "referral_id": lambda w: (_fu(w)["referral"], "A"),
    "excellent_id": lambda w: (_fu(w)["excellent"], "A"),
}

#: Public pages that show province A's records because the law has them published: the
#: announcement of the pilot enterprises (seed 003 第十三条) names pilot 01 and its city.
#: Their own tests check they show nothing beyond what is announced.
PUBLISHED_BY_LAW = {"pilots.public_pilots"}

#: Query arguments some API endpoints take, pointing at province A (the ministry must name
#: a province; a province's user naming another one gets 404).
API_QUERIES = {
    "api.list_tasks": {"province": "320000"},
    "api.annexes": {"province": "320000"},
}
#: Methods the walks try (pages have GET and POST, drafts PUT; the API also PATCH and DELETE).
WALKED_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def _a_case(world: World):
    """The inspection case of province A's task (opened as on acceptance of the filing)."""
    from supervision.inspections.models import InspectionCase
    from supervision.inspections.service import open_cases

    case = db.session.scalar(
        select(InspectionCase).where(InspectionCase.task_id == world.a_task.id)
    )
    if case is None:
        open_cases(world.a_task.filing)
        db.session.commit()
        case = db.session.scalar(
            select(InspectionCase).where(InspectionCase.task_id == world.a_task.id)
        )
    return case


def _an_equipment_item(world: World):
    """A row of the equipment ledger of province A's case (made once per test)."""
    from supervision.inspections.models import EquipmentItem

    case = _a_case(world)
    item = db.session.scalars(select(EquipmentItem).where(EquipmentItem.case_id == case.id)).first()
    if item is None:
        item = EquipmentItem(case=case, kind="motor", model="Y2-132M-4", name=World.MARKER)
        db.session.add(item)
        db.session.commit()
    return item


def _a_evidence(world: World):
    """A photo kept with province A's case, file included (made once per test)."""
    from pathlib import Path

    from flask import current_app

    from supervision.inspections.models import Evidence

    case = _a_case(world)
    found = db.session.scalars(select(Evidence).where(Evidence.case_id == case.id)).first()
    if found is None:
        found = Evidence(
            case=case,
            filename=f"{World.MARKER}.png",
            stored_name=f"walk{case.id:028d}",
            content_type="image/png",
            size=16,
            sha256="0" * 64,
            description=World.MARKER,
        )
        db.session.add(found)
        db.session.commit()
    folder = Path(current_app.instance_path) / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / found.stored_name).write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 8)
    return found


def _a_finding(world: World):
    """A finding of province A's case (made once per test)."""
    from supervision.inspections.models import Finding

    case = _a_case(world)
    found = db.session.scalars(select(Finding).where(Finding.case_id == case.id)).first()
    if found is None:
        found = Finding(case=case, kind="other", description=World.MARKER)
        db.session.add(found)
        db.session.commit()
    return found


def _a_data_centre(world: World):
    """A data centre of province A's enterprise (made once per test)."""
    from supervision.datacentres.models import DataCentre

    dc = db.session.scalars(
        select(DataCentre).where(DataCentre.enterprise_id == world.a_enterprise.id)
    ).first()
    if dc is None:
        dc = DataCentre(
            enterprise_id=world.a_enterprise.id,
            province_id=world.a_province.id,
            name=f"{World.MARKER}机房",
            large=True,
        )
        db.session.add(dc)
        db.session.commit()
    return dc


def _a_api_token(world: World):
    """An API token of province A's officer (made once per test; not audited, so it leaves
    A's audit count alone)."""
    from supervision.api.models import ApiToken
    from supervision.api.service import hash_token

    token = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == world.a_officer.id)
    ).first()
    if token is None:
        token = ApiToken(
            user_id=world.a_officer.id,
            name=f"{World.MARKER}同步",
            token_hash=hash_token(f"walk-{world.a_officer.id}"),
            prefix="jnjc_walk",
        )
        db.session.add(token)
        db.session.commit()
    return token


def _a_import_job(world: World):
    """A refused import of province A whose report carries the marker (made once per test)."""
    from supervision.imports.models import ImportJob

    job = db.session.scalars(
        select(ImportJob).where(ImportJob.province_id == world.a_province.id)
    ).first()
    if job is None:
        job = ImportJob(
            kind="equipment_ledger",
            province_id=world.a_province.id,
            user_id=world.a_officer.id,
            file_name=f"{World.MARKER}.xlsx",
            stored_path="imports/missing.xlsx",
            status="invalid",
            errors=[{"row": 2, "column": "企业名称", "message": World.MARKER}],
            error_count=1,
            message=World.MARKER,
            params={"case": _a_case(world).id},
        )
        db.session.add(job)
        db.session.commit()
    return job


def _plan_2020():
    from supervision.plans.service import plan_for_year

    return plan_for_year(2020)


def _plan_limit():
    from supervision.industries.models import QuotaLimit

    return db.session.scalars(select(QuotaLimit).order_by(QuotaLimit.id)).first()


def _a_filing_event(world: World):
    """A submission event of province A (made once per test, without locking A's filing)."""
    from supervision.tasks.models import FilingEvent

    event = db.session.scalars(
        select(FilingEvent).where(FilingEvent.filing_id == world.a_task.filing_id)
    ).first()
    if event is None:
        event = FilingEvent(
            filing_id=world.a_task.filing_id,
            action="submitted",
            actor_name="test",
            snapshot=b"PK snapshot",
        )
        db.session.add(event)
        db.session.commit()
    return event


def _a_notice(world: World):
    """A rectification notice of province A's case (made once per test)."""
    from supervision.rectification.models import DeadlineBasis, NoticeItem, RectificationNotice

    case = _a_case(world)
    notice = db.session.scalars(
        select(RectificationNotice).where(RectificationNotice.case_id == case.id)
    ).first()
    if notice is None:
        notice = RectificationNotice(
            case_id=case.id,
            province_id=world.a_province.id,
            agency_id=world.a_agency.id,
            enterprise_id=world.a_enterprise.id,
            year=2020,
            sequence=1,
            number=f"{World.MARKER}节监改〔2020〕1号",
            measures=World.MARKER,
            served_on=date(2020, 9, 25),
            deadline_basis=DeadlineBasis.WORKDAYS,
            deadline_days=15,
            deadline_on=date(2020, 10, 22),
        )
        notice.items.append(NoticeItem(position=1, kind="other", description=World.MARKER))
        db.session.add(notice)
        db.session.commit()
    return notice


def _a_notice_file(world: World):
    """A photo kept with province A's notice, file included (made once per test)."""
    from pathlib import Path

    from flask import current_app

    from supervision.rectification.models import RectificationEvidence

    notice = _a_notice(world)
    found = db.session.scalars(
        select(RectificationEvidence).where(RectificationEvidence.notice_id == notice.id)
    ).first()
    if found is None:
        found = RectificationEvidence(
            notice_id=notice.id,
            stage="report",
            filename=f"{World.MARKER}.png",
            stored_name=f"walkn{notice.id:027d}",
            content_type="image/png",
            size=16,
            sha256="0" * 64,
        )
        db.session.add(found)
        db.session.commit()
    folder = Path(current_app.instance_path) / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / found.stored_name).write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 8)
    return found


def _v(world: World) -> dict:
    """Ids of the verification fixture (an issued campaign with A's records; made once per
    test)."""
    from verification.verification_support import issue_campaign

    from supervision.verification.models import Target

    ids = getattr(world, "_verification_ids", None)
    if ids is None:
        made = issue_campaign(world)
        ids = {
            "campaign": made.campaign.id,
            "end_user_task": made.a_tasks[Target.END_USER].id,
            "session": made.session.id,
            "draw": made.draw.id,
            "sample": made.sample.id,
            "product": made.product.id,
            "claim": made.claim.id,
            "report": made.report.id,
        }
        world._verification_ids = ids
    return ids


def _p(world: World) -> dict:
    """Ids of the pilot fixture (a call with its review, committee, applicants, pilot 01 of A
    and its daily data; made once per test)."""
    from pilots.pilots_support import make_pilots

    ids = getattr(world, "_pilot_ids", None)
    if ids is None:
        made = make_pilots(world)
        ids = {
            "review": made.reviewed.review.id,
            "expert": made.reviewed.experts[0].id,
            "candidate": made.reviewed.candidates[1].id,
            "committee_draw": made.reviewed.draw.id,
            "member": made.reviewed.members[0].id,
            "call": made.call.id,
            "application": made.applications[1].id,
            "document": made.applications[1].documents[0].id,
            "pilot": made.pilot.id,
            "outlet": made.outlet.id,
            "trade_in": made.trade_ins[0].id,
            "pack": made.pack.id,
            "quarter": made.quarter.id,
            "check_draw": made.check_draw.id,
            "check": made.check.id,
            "complaint": made.complaint.id,
        }
        world._pilot_ids = ids
    return ids


def _a_publication(world: World):
    """A draft entry of province A's public list (a draft, so the public page the walk shows
    province B stays free of A's marker)."""
    from supervision.disclosure.models import Publication

    found = db.session.scalars(
        select(Publication).where(Publication.province_id == world.a_province.id)
    ).first()
    if found is None:
        e = world.a_enterprise
        found = Publication(
            province_id=world.a_province.id,
            enterprise_id=e.id,
            enterprise_name=e.name,
            credit_code=e.credit_code,
            violation=World.MARKER,
            decision="",
            published_fields=["violation"],
        )
        db.session.add(found)
        db.session.commit()
    return found


def _a_deadline(world: World):
    """A deadline of province A whose responsible person is A's inspector (made once per test)."""
    from supervision.reminders.models import Deadline

    found = db.session.scalars(select(Deadline).where(Deadline.subject_key == "walk")).first()
    if found is None:
        found = Deadline(
            kind="case_due",
            subject_key="walk",
            title=f"{World.MARKER}案件办结",
            province_id=world.a_province.id,
            agency_id=world.a_agency.id,
            owner_org_id=world.a_agency.id,
            category=4,
            due_on=date(2020, 2, 20),
        )
        found.people = [world.a_inspector]
        db.session.add(found)
        db.session.commit()
    return found


ACTORS = [
    "ministry_officer",
    "ministry_admin",
    "a_officer",
    "a_admin",
    "a_inspector",
    "b_officer",
    "b_admin",
    "b_inspector",
    "b_agency_officer",
    "expert",
]


def walkable_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint not in SKIPPED_ENDPOINTS]


def build(app, rule, world):
    values, owners = {}, set()
    for name in rule.arguments:
        value, owner = SAMPLES[name](world)
        values[name] = value
        owners.add(owner)
    if rule.endpoint in API_QUERIES:
        values.update(API_QUERIES[rule.endpoint])
        owners.add("A")
    with app.test_request_context():
        return url_for(rule.endpoint, **values), ("A" if "A" in owners else "national")


def is_api(rule) -> bool:
    return rule.endpoint.startswith("api.")


def assert_api_401(response, context):
    """An API request without a token: told so in JSON, never redirected to the login page."""
    assert response.status_code == 401, context
    assert response.is_json and response.json["status"] == 401, context
    assert "Set-Cookie" not in response.headers, context


def test_every_endpoint_declares_its_access(app):
    with app.test_request_context():
        undeclared = [r.endpoint for r in walkable_rules(app) if access_of(r.endpoint) is None]
    assert not undeclared, f"endpoints without @public/@requires: {undeclared}"


def test_every_route_can_be_walked(app):
    missing = {a for r in walkable_rules(app) for a in r.arguments if a not in SAMPLES}
    assert not missing, f"add samples for URL variables {missing} to tests/test_access.py"


def _a_audit_count(world: World) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.scope_org_id.in_([world.a_province.id, world.a_agency.id]))
        # Reading personal data in clear is audited, but it changes nothing.
        .where(AuditEntry.action != "view_personal_data")
    )


def test_anonymous_is_sent_to_login_everywhere_but_public_pages(app, world):
    client = app.test_client()
    for rule in walkable_rules(app):
        url, _owner = build(app, rule, world)
        with app.test_request_context():
            access = access_of(rule.endpoint)
        for method in sorted(rule.methods & WALKED_METHODS):
            response = client.open(url, method=method)
            if access == PUBLIC:
                assert response.status_code < 500, (method, url)
            elif is_api(rule):
                assert_api_401(response, (method, url))
            else:
                assert response.status_code == 302, (method, url, response.status_code)
                assert "/auth/login" in response.headers["Location"], (method, url)


@pytest.mark.parametrize("actor", ACTORS)
def test_each_role_gets_exactly_its_pages_and_never_another_provinces_data(app, world, actor):
    user: User = getattr(world, actor)
    for sample in SAMPLES.values():
        sample(world)  # records the samples need exist before the count
    before = _a_audit_count(world)
    client = app.test_client()
    login(client, user.username)
    in_province_b = user.organisation_id in (world.b_province.id, world.b_agency.id)
    for rule in walkable_rules(app):
        url, owner = build(app, rule, world)
        with app.test_request_context():
            access = access_of(rule.endpoint)
            allowed = permitted(db.session.merge(user), access)
        for method in sorted(rule.methods & WALKED_METHODS):
            if rule.endpoint == "auth.logout":
                continue  # would end the walk's session
            if is_api(rule) and access != PUBLIC:
                # The API ignores the session: without a token every role is refused alike.
                assert_api_401(client.open(url, method=method), f"{actor} {method} {url}")
                continue
            foreign = owner == "A" and in_province_b
            if method in ("POST", "PUT", "DELETE") and allowed and not foreign:
                continue  # legitimate changes are the features' own tests
            response = client.open(url, method=method)
            status = response.status_code
            body = response.get_data().decode("utf-8", "replace")  # xlsx too
            context = f"{actor} {method} {url} → {status}"
            assert status < 500, context
            if not allowed:
                assert status == 403, context
            elif foreign:
                assert status == 404, context
            elif method == "GET" and access != PUBLIC:
                # A page, or a redirect to the page the role works on (never to the login).
                assert status in (200, 302), context
                if status == 302:
                    assert "/auth/login" not in response.headers["Location"], context
                    followed = client.get(response.headers["Location"])
                    assert followed.status_code == 200, context
                    body += followed.get_data(as_text=True)
            if in_province_b and rule.endpoint not in PUBLISHED_BY_LAW:
                assert World.MARKER not in body, f"leak: {context}"
    assert _a_audit_count(world) == before, "a walk changed province A's data"


@pytest.mark.parametrize("actor", ACTORS)
def test_each_role_gets_exactly_its_api_and_never_another_provinces_data(app, world, actor):
    """The page walk's expectations, over the API with a bearer token of each role."""
    from supervision.api.service import create_token

    user: User = getattr(world, actor)
    _token, raw = create_token(user, "walk", now=utcnow())
    db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    for sample in SAMPLES.values():
        sample(world)  # records the samples need exist before the count
    before = _a_audit_count(world)
    client = app.test_client()
    in_province_b = user.organisation_id in (world.b_province.id, world.b_agency.id)
    walked = 0
    for rule in walkable_rules(app):
        if not is_api(rule):
            continue
        url, owner = build(app, rule, world)
        with app.test_request_context():
            access = access_of(rule.endpoint)
            allowed = permitted(db.session.merge(user), access)
        for method in sorted(rule.methods & WALKED_METHODS):
            foreign = owner == "A" and in_province_b
            if method != "GET" and allowed and not foreign:
                continue  # legitimate changes are the API's own tests
            response = client.open(url, method=method, headers=headers)
            walked += 1
            status = response.status_code
            body = response.get_data().decode("utf-8", "replace")  # xlsx too
            context = f"{actor} {method} {url} → {status}"
            assert status < 500, context
            assert status < 400 or response.is_json, context
            if not allowed:
                assert status == 403, context
            elif foreign:
                assert status == 404, context
            elif method == "GET":
                assert status == 200, context
            if in_province_b:
                assert World.MARKER not in body, f"leak: {context}"
    assert walked, "no API routes walked"
    assert _a_audit_count(world) == before, "an API walk changed province A's data"


def test_positive_control_the_api_shows_province_a_its_marker(app, world):
    """The API walk's leak check can fail: A's token reads A's marker."""
    from supervision.api.service import create_token

    _token, raw = create_token(world.a_officer, "control", now=utcnow())
    db.session.commit()
    response = app.test_client().get(
        f"/api/v1/enterprises/{world.a_enterprise.id}", headers={"Authorization": f"Bearer {raw}"}
    )
    assert World.MARKER in response.get_data(as_text=True)


def test_positive_control_province_a_sees_its_own_marker(app, world):
    """The leak check above can fail: the marker is on A's pages for A's users."""
    client = app.test_client()
    login(client, world.a_officer.username)
    body = client.get(f"/organisations/{world.a_agency.id}").get_data(as_text=True)
    assert World.MARKER in body


def test_ministry_sees_every_province(app, world):
    client = app.test_client()
    login(client, world.ministry_officer.username)
    assert client.get(f"/organisations/{world.b_agency.id}").status_code == 200
    assert client.get(f"/organisations/{world.a_agency.id}").status_code == 200
    with app.test_request_context():
        assert sees_everything(db.session.merge(world.ministry_officer))


def test_agency_officer_sees_only_his_agency_subtree(app, world, make_agency):
    sibling = make_agency(world.b_province, "宁波市节能监察中心", "330200")
    client = app.test_client()
    login(client, world.b_agency_officer.username)
    assert client.get(f"/organisations/{world.b_agency.id}").status_code == 200
    assert client.get(f"/organisations/{sibling.id}").status_code == 404
    assert client.get(f"/organisations/{world.b_province.id}").status_code == 404


def test_an_undeclared_endpoint_is_refused(app, world):
    """Fail closed: a view that forgets @requires is a 403, not an open door."""
    app.view_functions["home.index"].__dict__.pop("__access__")
    try:
        client = app.test_client()
        login(client, world.ministry_officer.username)
        assert client.get("/").status_code == 403
    finally:
        app.view_functions["home.index"].__access__ = LOGIN


def _d(world: World) -> dict:
    """Ids of the daily-supervision fixture (a draw of A, run, cases opened; once per test)."""
    from daily.draw_support import make_daily

    ids = getattr(world, "_daily_ids", None)
    if ids is None:
        ids = world._daily_ids = make_daily(world).ids()
    return ids


def _s(world: World) -> dict:
    """Ids of the annual-summary fixture (A's summary for 2020, submitted once)."""
    from summaries.summaries_support import make_summary

    ids = getattr(world, "_summary_ids", None)
    if ids is None:
        ids = world._summary_ids = make_summary(world).ids()
    return ids


def _fu(world: World) -> dict:
    """Ids of the follow-up fixture (a finding of A with a suggestion, a referral, a
    nominated excellent case)."""
    from followup.followup_support import make_followup

    ids = getattr(world, "_followup_ids", None)
    if ids is None:
        ids = world._followup_ids = make_followup(world).ids()
    return ids
