"""Applicants and their formal review: registration checks (credit code, short name, where it
is, within the call's period), starting from the registry, documents, and the formal review on
the review date with its reasons."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from calls_support import (
    NOW,
    application_data,
    called,  # noqa: F401
    make_call,
)

from conftest import credit_code
from supervision.core.errors import DomainError
from supervision.extensions import db
from supervision.pilots import applications
from supervision.pilots.models import CallStatus, DocumentKind, FormalStatus

ALL_MET = [True, True, True]


def test_an_applicant_is_registered_pending(called):
    first = called.applications[0]
    assert first.formal_status == FormalStatus.PENDING
    assert (first.province_id, first.city_id) == (
        called.world.a_province.id,
        called.world.a_agency.id,
    )
    assert [d.kind for d in first.documents] == [
        DocumentKind.BUSINESS_LICENCE,
        DocumentKind.PRODUCTION_LICENCE,
        DocumentKind.QUALITY_CERTIFICATE,
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"credit_code": "91320100000000070"}, "credit_code", "统一社会信用代码应为 18 位。"),
        ({"credit_code": "91320100000000070O"}, "credit_code", "含有无效字符"),
        ({"credit_code": "913201000000000700"}, "credit_code", "校验位不正确"),
        ({"short_name_en": "Nan Jing!"}, "short_name_en", "只能由大写英文字母和数字组成"),
        ({"short_name_en": "hengli"}, "short_name_en", "已被本次征集的其他申请单位使用"),
        ({"principal": ""}, "principal", "请填写法定代表人。"),
        ({"province_id": None}, "province_id", "请选择申请单位所在省份。"),
        ({"submitted_on": date(2014, 10, 1)}, "submitted_on", "申请日期应在征集期内"),
        ({"submitted_on": date(2014, 8, 31)}, "submitted_on", "申请日期应在征集期内"),
    ],
)
def test_a_wrong_application_is_refused(called, changes, field, message):
    data = application_data(
        called.world, 0, credit_code=credit_code(800, "913201"), short_name_en="NEWCO"
    )
    for key, value in changes.items():
        setattr(data, key, value)
    with pytest.raises(DomainError) as refused:
        applications.create_application(
            called.call, data, actor=called.world.ministry_officer, now=NOW
        )
    assert refused.value.field == field
    assert message in str(refused.value)


def test_the_same_credit_code_applies_once(called):
    data = application_data(called.world, 0, short_name_en="OTHER")
    data.credit_code = data.credit_code.lower()[:-1] + data.credit_code[-1]  # typed lower case
    with pytest.raises(DomainError, match="已在本次征集中申请"):
        applications.create_application(
            called.call, data, actor=called.world.ministry_officer, now=NOW
        )


def test_the_city_must_be_a_city_of_the_province(called):
    world = called.world
    data = application_data(
        world, 0, credit_code=credit_code(801, "913201"), short_name_en="NEWONE"
    )
    for wrong in (world.b_agency.id, world.a_province.id):
        data.city_id = wrong
        with pytest.raises(DomainError, match="不在所选省份内") as refused:
            applications.create_application(
                called.call, data, actor=world.ministry_officer, now=NOW
            )
        assert refused.value.field == "city_id"
    data.city_id = None  # not known yet: allowed
    made = applications.create_application(called.call, data, actor=world.ministry_officer, now=NOW)
    assert made.city_id is None and made.short_name_en == "NEWONE"


def test_an_application_starts_from_an_enterprise_of_the_registry(world):
    enterprise = world.a_enterprise
    enterprise.legal_representative = "周敏"
    data = applications.from_enterprise(enterprise)
    assert (data.name, data.credit_code, data.principal) == (
        enterprise.name,
        enterprise.credit_code,
        "周敏",
    )
    # Its division code 320102 lies in the city 320100 (world.a_agency).
    assert (data.province_id, data.city_id) == (world.a_province.id, world.a_agency.id)


def test_documents_and_facts_change_only_before_the_formal_review(called):
    officer = called.world.ministry_officer
    application = called.applications[0]
    with pytest.raises(DomainError, match="有效期至不能早于有效期起"):
        applications.add_document(
            application,
            applications.DocumentData(
                kind="other", valid_from=date(2014, 1, 2), valid_until=date(2014, 1, 1)
            ),
            actor=officer,
            now=NOW,
        )
    extra = applications.add_document(
        application, applications.DocumentData(kind="other", number="X-1"), actor=officer, now=NOW
    )
    applications.delete_document(extra, actor=officer, now=NOW)
    assert len(application.documents) == 3
    applications.review_formally(
        application, qualifications_met=ALL_MET, complete=True, actor=officer, now=NOW
    )
    with pytest.raises(DomainError, match="不能再更改"):
        applications.add_document(
            application, applications.DocumentData(kind="other"), actor=officer, now=NOW
        )
    with pytest.raises(DomainError, match="不能再更改"):
        applications.delete_document(application.documents[0], actor=officer, now=NOW)
    data = application_data(called.world, 0)
    with pytest.raises(DomainError, match="不能再更改"):
        applications.update_application(application, data, version=None, actor=officer, now=NOW)


def test_an_applicant_passing_the_formal_review(called):
    officer = called.world.ministry_officer
    application = called.applications[0]
    result = applications.review_formally(
        application, qualifications_met=ALL_MET, complete=True, actor=officer, now=NOW
    )
    assert result.passed
    assert application.formal_status == FormalStatus.PASSED
    assert application.formal_reasons == []
    assert application.formal_reviewed_on == date(2014, 10, 8)
    assert application.formal_reviewed_by_id == officer.id
    assert application.qualifications_met == ALL_MET and application.complete is True


def test_a_failing_applicant_stops_with_every_reason(called):
    officer = called.world.ministry_officer
    application = called.applications[1]
    quality = next(d for d in application.documents if d.kind == DocumentKind.QUALITY_CERTIFICATE)
    quality.valid_until = date(2014, 10, 7)  # the day before the review
    production = next(d for d in application.documents if d.kind == DocumentKind.PRODUCTION_LICENCE)
    production.inspected = False
    db.session.flush()
    applications.review_formally(
        application,
        qualifications_met=[True, False, True],
        complete=False,
        actor=officer,
        now=NOW,
    )
    assert application.formal_status == FormalStatus.FAILED
    assert application.formal_reasons == [
        "不具备资格条件：列入国家再制造试点企业名单",
        "申请文件内容不完整",
        "生产许可证（production-HENGLI）未通过年检",
        "质量体系认证证书（quality-HENGLI）已过有效期（有效期至 2014-10-07）",
    ]


def test_a_document_expiring_on_the_review_date_is_still_valid(called):
    officer = called.world.ministry_officer
    application = called.applications[2]
    for document in application.documents:
        document.valid_until = date(2014, 10, 8)
    db.session.flush()
    result = applications.review_formally(
        application, qualifications_met=ALL_MET, complete=True, actor=officer, now=NOW
    )
    assert result.passed
    # Reviewed again the next day (a Thursday), the same documents have expired.
    result = applications.review_formally(
        application,
        qualifications_met=ALL_MET,
        complete=True,
        actor=officer,
        now=NOW + timedelta(days=1),
    )
    assert not result.passed and len(result.reasons) == 3
    assert application.formal_reviewed_on == date(2014, 10, 9)


def test_the_formal_review_is_done_only_while_the_call_is_closed(world):
    made = make_call(world, close=False)
    application = made.applications[0]
    assert made.call.status == CallStatus.OPEN
    with pytest.raises(DomainError, match="征集截止后、详细评审前"):
        applications.review_formally(
            application,
            qualifications_met=ALL_MET,
            complete=True,
            actor=world.ministry_officer,
            now=NOW,
        )
    with pytest.raises(DomainError, match="无权"):
        applications.review_formally(
            application, qualifications_met=ALL_MET, complete=True, actor=world.a_officer, now=NOW
        )


def test_the_findings_must_match_the_qualifications(called):
    with pytest.raises(DomainError, match="资格条件与征集公告不一致"):
        applications.review_formally(
            called.applications[0],
            qualifications_met=[True],
            complete=True,
            actor=called.world.ministry_officer,
            now=NOW,
        )
