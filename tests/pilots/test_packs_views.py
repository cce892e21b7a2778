"""Monthly pack pages: the list in scope, starting a month's pack, sending it with its
materials, the city's review and the finance's review by another person."""

from __future__ import annotations

from datetime import date

from daily_support import TODAY, city_officers, trade_in_data  # noqa: F401
from pilots.pilots_support import piloted  # noqa: F401
from sqlalchemy import select

from conftest import World, login
from supervision.extensions import db
from supervision.pilots import pack_views, trade_ins
from supervision.pilots.daily_models import MonthlyPack, PackStatus


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_list_is_scoped_and_filtered(client, piloted):
    made = piloted
    login(client, made.world.a_inspector.username)
    page = text(client.get("/pilots/packs"))
    assert "2014 年 10 月" in page and made.pilot.name in page
    assert "2014-11-14" in page  # October's due date
    assert "汇总该月材料" not in page
    assert "2014 年 10 月" not in text(client.get("/pilots/packs?status=finance"))
    login(client, made.world.b_officer.username)
    page = text(client.get("/pilots/packs"))
    assert "没有符合条件的月度材料。" in page and World.MARKER not in page
    assert client.get(f"/pilots/packs?pilot={made.pilot.id}").status_code == 404
    assert client.get(f"/pilots/packs/{made.pack.id}").status_code == 404


def test_a_month_is_packed_sent_and_reviewed_twice(client, piloted, city_officers, monkeypatch):
    made = piloted
    city, finance = city_officers
    monkeypatch.setattr(pack_views, "local_today", lambda: TODAY)
    for n in (1, 2):
        trade_ins.add_trade_in(made.pilot, trade_in_data(made, n), actor=None, today=TODAY)
    db.session.commit()

    login(client, made.world.a_officer.username)
    page = text(client.get(f"/pilots/packs?pilot={made.pilot.id}"))
    assert 'name="year"' in page and 'value="2015"' in page and 'value="1"' in page
    early = client.post(
        f"/pilots/enterprises/{made.pilot.id}/packs", data={"year": 2015, "month": 2}
    )
    assert "2015 年 2 月尚未结束" in text(client.get(early.headers["Location"]))
    response = client.post(
        f"/pilots/enterprises/{made.pilot.id}/packs", data={"year": 2014, "month": 11}
    )
    pack = db.session.scalars(select(MonthlyPack).where(MonthlyPack.month == 11)).one()
    assert response.headers["Location"].endswith(f"/pilots/packs/{pack.id}")
    page = text(client.get(f"/pilots/packs/{pack.id}"))
    assert "2 笔交易，补贴合计 8000.00 元" in page and "2014-12-12" in page
    assert "逾期" in page  # today is past the due date and it is not sent
    missing = client.post(
        f"/pilots/packs/{pack.id}/submit",
        data={"materials": ["id_copies"], "version": str(pack.version)},
    )
    assert "请随月度材料一并报送" in text(client.get(missing.headers["Location"]))
    client.post(
        f"/pilots/packs/{pack.id}/submit",
        data={"materials": list(pack_views.packs.MATERIALS), "version": str(pack.version)},
    )
    db.session.refresh(pack)
    assert pack.status == PackStatus.SUBMITTED and pack.submitted_on == TODAY

    login(client, city.username)
    page = text(client.get(f"/pilots/packs/{pack.id}"))
    assert "市级审核" in page and "提交审核结论" in page
    client.post(
        f"/pilots/packs/{pack.id}/city-review",
        data={"decision": "pass", "note": "核对无误", "version": str(pack.version)},
    )
    db.session.refresh(pack)
    assert pack.status == PackStatus.CITY_PASSED
    page = text(client.get(f"/pilots/packs/{pack.id}"))
    assert "您已办理市级审核，财政审核须由其他人员办理。" in page
    refused = client.post(
        f"/pilots/packs/{pack.id}/finance-review",
        data={"decision": "pass", "reviewer": "赵会计", "version": str(pack.version)},
    )
    assert "财政审核须由市级审核人以外的人员办理。" in text(client.get(refused.headers["Location"]))

    login(client, finance.username)
    assert "提交财政审核结论" in text(client.get(f"/pilots/packs/{pack.id}"))
    client.post(
        f"/pilots/packs/{pack.id}/finance-review",
        data={"decision": "pass", "reviewer": "赵会计", "version": str(pack.version)},
    )
    db.session.refresh(pack)
    assert pack.status == PackStatus.FINANCE_PASSED and pack.finance_reviewer == "赵会计"
    page = text(client.get(f"/pilots/packs/{pack.id}"))
    assert "赵会计" in page and "财政录入员" in page and "市审核员" in page


def test_a_return_needs_its_reason_and_reopens_the_month(client, piloted, city_officers):
    made = piloted
    login(client, city_officers[0].username)
    response = client.post(
        f"/pilots/packs/{made.pack.id}/city-review",
        data={"decision": "return", "note": "", "version": str(made.pack.version)},
    )
    assert "退回时请写明退回原因。" in text(client.get(response.headers["Location"]))
    client.post(
        f"/pilots/packs/{made.pack.id}/city-review",
        data={"decision": "return", "note": "联单缺签字", "version": str(made.pack.version)},
    )
    db.session.refresh(made.pack)
    assert made.pack.status == PackStatus.RETURNED
    page = text(client.get(f"/pilots/packs/{made.pack.id}"))
    assert "联单缺签字" in page and "重新报送市级" in page
    assert not trade_ins.is_locked(made.trade_ins[0])
    assert made.pack.submitted_on == date(2014, 11, 10)
