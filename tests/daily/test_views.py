"""The draw pages over HTTP: the list, the definition form and its messages, the draw's page
(preview, witnessed run, redraw with a reason, verification, earlier runs), opening the cases
for the pairs, the printable record; who gets in."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select
from views_support import pages  # noqa: F401

from conftest import login
from supervision.daily.models import DailyDraw, DrawRun, DrawStatus, InspectorRelation
from supervision.extensions import db
from supervision.inspections.models import InspectionCase


@pytest.fixture
def officer(app, pages):
    client = app.test_client()
    login(client, "a-officer")
    return client


def _create(client, pages, **overrides) -> DailyDraw:
    response = client.post("/daily/new", data=pages.form(**overrides))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    draw = pages.latest_draw()
    assert response.headers["Location"].endswith(f"/daily/{draw.id}")
    return draw


def _run(client, draw, pages, **extra):
    data = {"witness_id": str(pages.witness.id), "seed": "20261122"} | extra
    return client.post(f"/daily/{draw.id}/run", data=data)


# -- the list and the form ---------------------------------------------------------------------


def test_the_list_shows_the_province_draws_and_the_overdue_publication(officer, pages):
    assert "没有抽查" in officer.get("/daily/").get_data(as_text=True)
    _create(officer, pages, title="逾期的抽查", work_due_on="2026-10-01", publish_by="2026-11-01")
    _create(officer, pages, title="按期的抽查", publish_by="2026-12-31")
    body = officer.get("/daily/").get_data(as_text=True)
    rows = {row.split("</a>")[0].rsplit(">", 1)[1]: row for row in body.split("<tr data-draw=")[1:]}
    assert set(rows) == {"逾期的抽查", "按期的抽查"}
    assert "table-danger" in rows["逾期的抽查"] and "逾期未公开 21 天" in rows["逾期的抽查"]
    assert "table-danger" not in rows["按期的抽查"] and "逾期" not in rows["按期的抽查"]
    assert officer.get("/daily/?year=2025").get_data(as_text=True).count("data-draw=") == 0


def test_the_form_offers_the_pool_with_expired_certificates_disabled(officer, pages):
    body = officer.get("/daily/new").get_data(as_text=True)
    assert 'name="csrf_token"' in body or "csrf_token" in body
    expired = body[body.index(f'id="inspector-{pages.expired.id}"') - 200 :][:900]
    assert "disabled" in expired and "行政执法证已过期（有效期至 2026-01-31）" in expired
    for inspector in pages.inspectors:
        box = body[body.index(f'id="inspector-{inspector.id}"') - 200 :][:260]
        assert "checked" in box  # the certified ones are proposed
    # Cities: the four-digit prefixes of the registry, the agency's name where there is one.
    assert 'value="3201"' in body and 'value="3202"' in body and 'value="3203"' in body
    assert "3201（南京" in body


def test_a_draw_is_created_from_the_form_with_the_rate_as_a_fraction(officer, pages):
    draw = _create(officer, pages, sample_size="", sample_rate="50", stratify_by="city")
    assert draw.sample_size is None and str(draw.sample_rate) == "0.5000"
    assert draw.pair_count == 2 and draw.status == DrawStatus.DRAFT
    assert draw.publish_by == date(2026, 12, 31)
    assert sorted(draw.inspector_ids) == sorted(u.id for u in pages.inspectors[:4])
    body = officer.get(f"/daily/{draw.id}/edit").get_data(as_text=True)
    assert (
        'id="sample_rate" max="100" min="0.01" name="sample_rate" step="any" type="number" value="50"'
        in body
    )
    assert f'name="version" type="hidden" value="{draw.version}"' in body
    assert 'value="city" selected' in body or 'selected value="city"' in body


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "请填写抽查名称。"),
        ({"sample_size": ""}, "sample_size", "请填写抽取企业数或抽取比例。"),
        ({"sample_rate": "5"}, "sample_rate", "抽取企业数和抽取比例只能填写一项。"),
        (
            {"sample_size": "", "sample_rate": "0"},
            "sample_rate",
            "抽取比例应在 0.01% 到 100% 之间。",
        ),
        ({"sample_size": "", "sample_rate": "5.255"}, "sample_rate", "最多保留两位小数"),
        ({"sample_size": "0"}, "sample_size", "抽取企业数至少为 1。"),
        (
            {"min_energy_tce": "5000", "max_energy_tce": "1000"},
            "max_energy_tce",
            "能耗上限不能低于下限。",
        ),
        ({"pair_count": "3"}, "inspector_ids", "3 个检查组至少需要 6 名执法人员"),
        ({"publish_by": ""}, "publish_by", "请填写日期（YYYY-MM-DD）。"),
        ({"publish_by": "2026-12-01"}, "publish_by", "结果公开期限不能早于检查完成期限。"),
        ({"exclude_inspected_months": "99"}, "exclude_inspected_months", "月数应为 1 到 60。"),
    ],
)
def test_bad_input_is_refused_with_a_message_beside_the_field(
    officer, pages, overrides, field, message
):
    response = officer.post("/daily/new", data=pages.form(**overrides))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert message in body
    # The message sits under its field, the field marked invalid.
    feedback = re.search(r"invalid-feedback[^>]*>[^<]*" + re.escape(message), body)
    assert feedback is not None
    before = body[: feedback.start()]
    field_at = before.rindex(f'name="{field}"')
    assert "is-invalid" in body[before.rindex("<", 0, field_at) : feedback.start()]
    assert 'name="' not in body[field_at + 10 : feedback.start()].replace(f'name="{field}"', "")
    assert db.session.scalar(select(DailyDraw.id)) is None


def test_an_inspector_not_in_the_pool_cannot_be_posted(officer, pages):
    data = pages.form(
        inspector_ids=[str(u.id) for u in pages.inspectors[:3]] + [str(pages.expired.id)]
    )
    response = officer.post("/daily/new", data=data)
    assert response.status_code == 422
    assert db.session.scalar(select(DailyDraw.id)) is None


def test_editing_checks_the_version(officer, pages):
    draw = _create(officer, pages)
    response = officer.post(f"/daily/{draw.id}/edit", data=pages.form(title="改名", version="99"))
    assert response.status_code == 422
    assert "该记录已被他人修改" in response.get_data(as_text=True)
    response = officer.post(
        f"/daily/{draw.id}/edit", data=pages.form(title="改名", version=str(draw.version))
    )
    assert response.status_code == 302
    db.session.refresh(draw)
    assert draw.title == "改名"


# -- the draw's page ---------------------------------------------------------------------------


def test_the_preview_counts_the_population_and_the_exclusions(officer, pages):
    # The world's data centre has a 2020 task: excluded as already in that year's special task.
    draw = _create(officer, pages, year="2020", publish_by="2026-12-31")
    body = officer.get(f"/daily/{draw.id}").get_data(as_text=True)
    preview = body[body.index('id="preview"') :]
    assert (
        "名录企业 7 家，排除 1 家后可抽取 6 家，本次将抽取 4 家；执法人员 4 人，2 个检查组。"
        in preview
    )
    assert "已列入2020年度专项监察任务" in preview
    assert (
        'id="run-form"' in body and 'name="reason"' not in body
    )  # no reason asked for the first run
    assert f'<option value="{pages.witness.id}">甲监督人</option>' in body
    assert f'value="{pages.world.a_officer.id}"' not in body  # not his own witness


def test_run_redraw_verify_and_open_cases(app, officer, pages):
    draw = _create(officer, pages)
    response = _run(officer, draw, pages)
    assert response.status_code == 302
    body = officer.get(f"/daily/{draw.id}").get_data(as_text=True)
    assert "已抽取 4 家企业、2 个检查组（随机种子 20261122，监督人 甲监督人）" in body
    facts = body[body.index("run-facts") :]
    assert "20261122" in facts and "甲监督人" in facts and "SHA-256" in facts
    drawn = body[body.index('id="drawn"') : body.index("</table>", body.index('id="drawn"'))]
    assert drawn.count("<tr data-enterprise=") == 4
    assert "第 1 组" in drawn and "第 2 组" in drawn and "未派发" in drawn
    assert 'name="reason"' in body  # a redraw asks for the reason

    # Drawn again without a reason: refused, the first run stands.
    response = _run(officer, draw, pages, seed="1")
    assert response.status_code == 422
    assert "重新抽取须说明理由" in response.get_data(as_text=True)
    assert db.session.query(DrawRun).count() == 1

    response = _run(officer, draw, pages, seed="777", reason="监督人未到场，重新抽取")
    assert response.status_code == 302
    body = officer.get(f"/daily/{draw.id}").get_data(as_text=True)
    earlier = body[body.index('id="earlier-runs"') :]
    assert "种子 20261122" in earlier and "被重新抽取的理由：监督人未到场，重新抽取" in earlier
    assert "777" in body[body.index("run-facts") :]

    verified = officer.get(f"/daily/{draw.id}?verify=1").get_data(as_text=True)
    assert 'data-ok="1"' in verified and "验证一致" in verified

    response = officer.post(f"/daily/{draw.id}/open-cases")
    assert response.status_code == 302
    body = officer.get(f"/daily/{draw.id}").get_data(as_text=True)
    assert "已派发 4 个日常节能监察案件" in body
    assert 'id="run-form"' not in body and "未派发" not in body
    assert "公开结果" in body
    cases = db.session.scalars(select(InspectionCase).where(InspectionCase.category == 0)).all()
    assert len(cases) == 4 and all(len(c.daily_inspectors) == 2 for c in cases)
    # No redraw once the cases are out.
    response = _run(officer, draw, pages, seed="9", reason="再抽")
    assert response.status_code == 422
    assert "不能再重新抽取" in response.get_data(as_text=True)


def test_a_redraw_needs_a_witness_of_the_province(officer, pages, world):
    draw = _create(officer, pages)
    response = _run(officer, draw, pages, witness_id=str(world.b_officer.id))
    assert response.status_code == 422
    assert db.session.query(DrawRun).count() == 0
    response = _run(officer, draw, pages, witness_id="")
    assert "请选择监督人。" in response.get_data(as_text=True)


def test_the_printable_record_shows_the_recusal(officer, pages):
    """One pair; its first inspector declared a relation to an enterprise: with every
    enterprise drawn, that one cannot go to any pair and is recorded as recused."""
    enterprise = pages.enterprises[0]
    response = officer.post(
        "/daily/relations",
        data={
            "inspector_id": str(pages.inspectors[0].id),
            "enterprise": enterprise.credit_code,
            "relation": "配偶在该企业任职",
            "declared_on": "2026-11-01",
        },
    )
    assert response.status_code == 302
    draw = _create(
        officer,
        pages,
        sample_size="7",
        pair_count="1",
        inspector_ids=[str(pages.inspectors[0].id), str(pages.inspectors[1].id)],
    )
    assert _run(officer, draw, pages).status_code == 302
    body = officer.get(f"/daily/{draw.id}/record").get_data(as_text=True)
    assert "双随机抽查抽取记录" in body and "20261122" in body and "甲监督人" in body
    assert "d-print-none" in body and "js/print.js" in body
    recusals = body[body.index("recusals") :]
    assert f"{enterprise.name}：甲监察员" in recusals and "配偶在该企业任职" in recusals
    assert "尚可分配的检查组均须回避，不列入本次抽查。" in recusals
    assert "同层已无可补抽的企业。" in recusals  # all seven were drawn
    assert "仅重点用能单位" in body  # the parameters as run
    drawn = body[body.index('id="drawn"') : body.index("</table>", body.index('id="drawn"'))]
    assert enterprise.name not in drawn and drawn.count("<tr data-enterprise=") == 6


def test_relations_are_declared_and_removed_with_messages(officer, pages):
    data = {
        "inspector_id": str(pages.inspectors[1].id),
        "enterprise": "不存在的企业",
        "relation": "曾在该企业工作",
        "declared_on": "2026-11-01",
    }
    response = officer.post("/daily/relations", data=data)
    assert response.status_code == 422
    assert "本省企业名录中没有该企业" in response.get_data(as_text=True)
    data["enterprise"] = pages.enterprises[2].name
    assert officer.post("/daily/relations", data=data).status_code == 302
    response = officer.post("/daily/relations", data=data)
    assert response.status_code == 422
    assert "无需重复申报" in response.get_data(as_text=True)
    relation = db.session.scalars(select(InspectorRelation)).one()
    body = officer.get("/daily/relations").get_data(as_text=True)
    assert "甲执法员2" in body and pages.enterprises[2].name in body
    assert officer.post(f"/daily/relations/{relation.id}/remove").status_code == 302
    assert db.session.scalar(select(InspectorRelation.id)) is None


# -- who gets in -------------------------------------------------------------------------------


def test_another_province_gets_404_and_an_inspector_403(app, officer, pages, world):
    draw = _create(officer, pages)
    assert _run(officer, draw, pages).status_code == 302
    b = app.test_client()
    login(b, "b-officer")
    for url in (f"/daily/{draw.id}", f"/daily/{draw.id}/edit", f"/daily/{draw.id}/record"):
        assert b.get(url).status_code == 404, url
    for url in (
        f"/daily/{draw.id}/run",
        f"/daily/{draw.id}/open-cases",
        f"/daily/{draw.id}/publish",
    ):
        assert b.post(url).status_code == 404, url
    assert draw.title not in b.get("/daily/").get_data(as_text=True)
    inspector = app.test_client()
    login(inspector, "a-inspector")
    for url in (
        "/daily/",
        f"/daily/{draw.id}",
        f"/daily/{draw.id}/record",
        "/daily/new",
        "/daily/relations",
    ):
        assert inspector.get(url).status_code == 403, url


def test_the_ministry_reads_every_province(app, officer, pages, world):
    draw = _create(officer, pages)
    ministry = app.test_client()
    login(ministry, "m-officer")
    body = ministry.get("/daily/?province=320000").get_data(as_text=True)
    assert draw.title in body and world.a_province.name in body
    assert draw.title not in ministry.get("/daily/?province=330000").get_data(as_text=True)
    body = ministry.get(f"/daily/{draw.id}").get_data(as_text=True)
    assert draw.title in body and 'id="run-form"' not in body
    assert ministry.get("/daily/new").status_code == 403


def test_an_agency_officer_defines_draws_for_his_province(app, pages, world, make_user):
    from supervision.core.models import Role

    make_user("a-agency-officer", Role.PROVINCIAL_OFFICER, world.a_agency, full_name="甲市官员")
    client = app.test_client()
    login(client, "a-agency-officer")
    body = client.get("/daily/new").get_data(as_text=True)
    assert f'<option selected value="{world.a_province.id}">' in body
    assert f'value="{world.a_agency.id}"' in body
    response = client.post("/daily/new", data=pages.form())
    assert response.status_code == 302
    assert pages.latest_draw().province_id == world.a_province.id


def test_the_shared_fixture_draw_shows_its_moved_recusal_and_case_links(app, world):
    from daily.draw_support import RELATION, make_daily

    made = make_daily(world)
    client = app.test_client()
    login(client, "a-officer")
    body = client.get(f"/daily/{made.draw.id}").get_data(as_text=True)
    recusal = next(r for r in made.run.recusals if r["to_pair"])
    recusals = body[body.index("recusals") :]
    assert (
        f"{recusal['enterprise']}：第 {recusal['pair_no']} 组的 {world.a_inspector.full_name} "
        f"申报了利害关系（{RELATION}），回避，改由第 {recusal['to_pair']} 组检查。"
    ) in recusals
    for case in made.cases:
        assert f'href="/cases/{case.id}"' in body
    assert "/open-cases" not in body and 'id="run-form"' not in body  # opened: no redraw
    assert f"/daily/{made.draw.id}/publish" in body
    record = client.get(f"/daily/{made.draw.id}/record").get_data(as_text=True)
    assert made.seed in record and "甲监督人" in record
