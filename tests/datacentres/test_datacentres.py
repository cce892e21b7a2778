"""Data centres: registration, metering points, the readings grid and service, tools/vendor.py."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from conftest import World, login
from supervision.core.errors import DomainError
from supervision.datacentres import service
from supervision.datacentres import views as dc_views
from supervision.datacentres.models import DataCentre, MeteringPoint, MonthlyReading
from supervision.extensions import db
from supervision.inspections.service import open_cases
from tools import vendor


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def dc(world: World) -> DataCentre:
    centre = DataCentre(
        enterprise_id=world.a_enterprise.id,
        province_id=world.a_province.id,
        name="南京一号机房",
        large=True,
    )
    db.session.add(centre)
    db.session.commit()
    return centre


# -- registering and editing ------------------------------------------------------------------


def test_an_officer_registers_a_data_centre_with_form_errors_first(world: World, client):
    login(client, world.a_officer.username)
    url = f"/data-centres/new?enterprise={world.a_enterprise.id}"
    assert "登记数据中心" in text(client.get(url))
    bad = client.post(
        url, data={"name": " ", "racks": "-1", "design_pue": "0.9", "commissioned_on": "去年"}
    )
    assert bad.status_code == 422
    body = text(bad)
    assert "请填写数据中心名称。" in body
    assert "机架数应为不小于 0 的整数。" in body
    assert "设计 PUE 应不小于 1.0。" in body
    assert "不是有效的日期" in body  # WTForms' own message, in Chinese
    ok = client.post(
        url,
        data={
            "name": "南京一号机房",
            "address": "江宁区",
            "racks": "3000",
            "large": "y",
            "design_pue": "1.25",
            "commissioned_on": "2018-06-01",
        },
    )
    assert ok.status_code == 302
    centre = db.session.scalars(select(DataCentre)).one()
    assert (centre.province_id, centre.racks, centre.large) == (world.a_province.id, 3000, True)
    assert centre.design_pue == Decimal("1.250")
    assert "已登记数据中心“南京一号机房”。" in text(client.get(ok.headers["Location"]))
    listing = text(client.get(f"/data-centres/?enterprise={world.a_enterprise.id}"))
    assert "南京一号机房" in listing and "大型及以上" in listing


def test_editing_refuses_a_stale_form(world: World, client, dc: DataCentre):
    login(client, world.a_officer.username)
    page = text(client.get(f"/data-centres/{dc.id}"))
    assert 'name="version"' in page
    stale = client.post(
        f"/data-centres/{dc.id}", data={"version": dc.version + 1, "name": "改名机房"}
    )
    assert stale.status_code == 422
    assert "该数据中心已被他人修改，请刷新后重新填写。" in text(stale)
    saved = client.post(
        f"/data-centres/{dc.id}", data={"version": dc.version, "name": "改名机房", "racks": "12"}
    )
    assert saved.status_code == 302
    db.session.refresh(dc)
    assert (dc.name, dc.racks, dc.large) == ("改名机房", 12, False)


def test_who_may_see_and_write(world: World, client, dc: DataCentre):
    url = f"/data-centres/new?enterprise={world.a_enterprise.id}"
    login(client, world.b_officer.username)
    assert client.get(f"/data-centres/{dc.id}").status_code == 404
    assert client.get(url).status_code == 404
    assert "南京一号机房" not in text(client.get("/data-centres/"))
    login(client, world.ministry_officer.username)
    assert client.get(f"/data-centres/{dc.id}").status_code == 200
    assert client.get(url).status_code == 403  # reads every province, registers in none
    refused = client.post(f"/data-centres/{dc.id}", data={"version": dc.version, "name": "X"})
    assert "只有本省的节能监察主管人员或承办该企业案件的监察人员可以登记数据中心信息。" in text(
        refused
    )
    login(client, world.a_inspector.username)
    assert service.may_write(world.a_enterprise, world.a_inspector) is False  # no case yet
    open_cases(world.a_task.filing)
    db.session.commit()
    assert service.may_write(world.a_enterprise, world.a_inspector) is True
    assert client.get(url).status_code == 200
    assert client.get("/data-centres/new").status_code == 302  # no enterprise named


# -- metering points --------------------------------------------------------------------------


def test_metering_points_and_the_gb_17167_checklist(world: World, client, dc: DataCentre):
    login(client, world.a_officer.username)
    page = text(client.get(f"/data-centres/{dc.id}"))
    assert "缺少数据中心总输入电能计量" in page and "缺少 IT 设备电能计量" in page
    blank = client.post(f"/data-centres/{dc.id}/points", data={"name": "", "role": "it"})
    assert blank.status_code == 422
    assert "请填写计量点名称。" in text(blank)
    wrong = client.post(
        f"/data-centres/{dc.id}/points", data={"name": "X", "role": "solar", "boundary": "load"}
    )
    assert "不是有效的选择" in text(wrong)
    for name, role, boundary in (
        ("总进线", "total", "total_input"),
        ("UPS 输出", "it", "pdu_input"),
    ):
        response = client.post(
            f"/data-centres/{dc.id}/points",
            data={"name": name, "role": role, "boundary": boundary, "meter_number": "M-1"},
        )
        assert response.status_code == 302
    page = text(client.get(f"/data-centres/{dc.id}"))
    assert 'data-check="fail"' not in page and page.count('data-check="pass"') == 3
    assert service.metering_gaps(dc) == []
    point = db.session.scalars(select(MeteringPoint).where(MeteringPoint.name == "总进线")).one()
    point_id = point.id
    login(client, world.b_officer.username)
    assert (
        client.post(f"/data-centres/{dc.id}/points/delete", data={"point_id": point_id}).status_code
        == 404
    )
    login(client, world.a_officer.username)
    assert (
        client.post(f"/data-centres/{dc.id}/points/delete", data={"point_id": point_id}).status_code
        == 302
    )
    db.session.refresh(dc)
    assert [g.code for g in service.metering_gaps(dc)] == ["no_total_meter"]


# -- readings ---------------------------------------------------------------------------------


def test_the_readings_grid_saves_blanks_as_not_entered(world: World, client, dc: DataCentre):
    login(client, world.a_officer.username)
    url = f"/data-centres/{dc.id}/readings/2019"
    saved = client.post(
        url, data={"total_1": "1 520 000", "it_1": "1,000,000", "total_2": "5", "it_2": ""}
    )
    assert saved.status_code == 302
    stored = service.readings_of(dc, 2019)
    assert sorted(stored) == [1, 2]
    assert stored[1].total_kwh == Decimal("1520000.00") and stored[2].it_kwh is None
    assert stored[1].source == "manual"
    page = text(client.get(url))
    assert 'value="1520000"' in page and "1.52" in page
    # Clearing a month removes its reading.
    assert client.post(url, data={"total_1": "1520000", "it_1": "1000000"}).status_code == 302
    assert sorted(service.readings_of(dc, 2019)) == [1]
    result = service.annual(dc, 2019)
    assert result.status.value == "missing_data" and result.missing_months == tuple(range(2, 13))


def test_the_readings_grid_refuses_a_future_month(
    world: World, client, dc: DataCentre, monkeypatch
):
    monkeypatch.setattr(dc_views, "local_today", lambda: date(2026, 6, 15))
    login(client, world.a_officer.username)
    page = text(client.get(f"/data-centres/{dc.id}/readings/2026"))
    assert 'name="total_7"' in page and "（未到）" in page
    refused = client.post(
        f"/data-centres/{dc.id}/readings/2026",
        data={"total_6": "100", "it_6": "80", "total_7": "100", "it_7": "80"},
    )
    assert refused.status_code == 422
    assert "2026 年 7 月尚未到来，不能录入读数。" in text(refused)
    assert service.readings_of(dc, 2026) == {}
    assert client.get(f"/data-centres/{dc.id}/readings/2027").status_code == 404


def test_save_reading_upserts_and_refuses_bad_values(world: World, dc: DataCentre):
    today = date(2026, 11, 21)
    actor = world.a_officer
    first = service.save_reading(
        dc, date(2019, 3, 17), "1000", 800, source="api", actor=actor, today=today
    )
    again = service.save_reading(
        dc, date(2019, 3, 1), Decimal("1200.004"), "800", source="manual", actor=actor, today=today
    )
    assert first.id == again.id and again.month == date(2019, 3, 1)
    assert again.total_kwh == Decimal("1200.00") and again.source == "manual"
    cases = [
        (("-1", "0"), "3 月总耗电量不能为负数。"),
        (("10", "x"), "3 月 IT 设备耗电量不是有效的数字。"),
        (("10", "11"), "3 月 IT 设备耗电量（11 kWh）大于总耗电量（10 kWh）。"),
        (("1e20", "1"), "3 月总耗电量数值过大。"),
    ]
    for (total, it), message in cases:
        with pytest.raises(DomainError) as refused:
            service.save_reading(
                dc, date(2019, 3, 1), total, it, source="api", actor=actor, today=today
            )
        assert str(refused.value) == message
    with pytest.raises(DomainError, match="2026 年 12 月尚未到来"):
        service.save_reading(dc, date(2026, 12, 1), 1, 1, source="api", actor=actor, today=today)
    with pytest.raises(DomainError, match="只有本省"):
        service.save_reading(
            dc, date(2019, 4, 1), 1, 1, source="api", actor=world.b_officer, today=today
        )
    with pytest.raises(DomainError, match="未知的数据来源"):
        service.save_reading(dc, date(2019, 4, 1), 1, 1, source="fax", actor=actor, today=today)


def test_annual_is_the_ratio_of_sums_and_the_series_has_twelve_months(world: World, dc: DataCentre):
    today = date(2026, 11, 21)
    months = {1: (420000, 100000), 12: (100000, 100000)} | dict.fromkeys(
        range(2, 12), (100000, 80000)
    )
    for month, (total, it) in months.items():
        service.save_reading(
            dc, date(2019, month, 1), total, it, source="api", actor=world.a_officer, today=today
        )
    db.session.commit()
    result = service.annual(dc, 2019)
    assert (result.value, result.total_kwh, result.it_kwh) == (
        Decimal("1.52"),
        Decimal("1520000.00"),
        Decimal("1000000.00"),
    )
    series = service.monthly_series(dc, 2019)
    assert len(series) == 12 and series[0] == (
        date(2019, 1, 1),
        Decimal("420000.00"),
        Decimal("100000.00"),
        Decimal("4.20"),
    )
    assert series[1][3] == Decimal("1.25")
    assert service.monthly_series(dc, 2018)[0] == (date(2018, 1, 1), None, None, None)
    assert (
        db.session.scalar(select(MonthlyReading.id).where(MonthlyReading.month < date(2019, 1, 1)))
        is None
    )


# -- tools/vendor.py: the charting library is installed, checked, from the registry ----------


def _tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _sri(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def _package(tarball: bytes, script: bytes, integrity: str | None = None) -> vendor.Package:
    return vendor.Package(
        name="fakechart",
        version="1.0.0",
        integrity=integrity or _sri(tarball),
        files={"package/dist/chart.min.js": ("chart.min.js", hashlib.sha256(script).hexdigest())},
        target="static/vendor/fakechart",
    )


def test_vendor_installs_only_the_pinned_files_once(tmp_path):
    script = b"window.fakechart = {};"
    tarball = _tarball({"package/dist/chart.min.js": script, "package/evil.sh": b"rm -rf /"})
    package = _package(tarball, script)
    fetched = []

    def fetch(url):
        fetched.append(url)
        return tarball

    assert vendor.install(package, root=tmp_path, fetch=fetch) is True
    target = tmp_path / "static/vendor/fakechart"
    assert sorted(p.name for p in target.iterdir()) == ["chart.min.js"]
    assert (target / "chart.min.js").read_bytes() == script
    assert fetched == ["https://registry.npmjs.org/fakechart/-/fakechart-1.0.0.tgz"]
    assert vendor.install(package, root=tmp_path, fetch=fetch) is False  # idempotent
    assert len(fetched) == 1
    (target / "chart.min.js").write_bytes(b"tampered")
    assert vendor.install(package, root=tmp_path, fetch=fetch) is True  # repaired
    assert (target / "chart.min.js").read_bytes() == script


def test_vendor_refuses_a_tarball_with_the_wrong_hash(tmp_path):
    script = b"window.fakechart = {};"
    tarball = _tarball({"package/dist/chart.min.js": script})
    wrong = _package(tarball, script, integrity=_sri(b"another tarball"))
    with pytest.raises(vendor.IntegrityError, match="sha512 mismatch"):
        vendor.install(wrong, root=tmp_path, fetch=lambda url: tarball)
    assert not (tmp_path / "static").exists()
    with pytest.raises(vendor.IntegrityError, match="unsupported"):
        vendor.verify_integrity(tarball, "md5-abc")
    vendor.verify_integrity(tarball, _sri(tarball))  # the right hash passes


def test_vendor_refuses_a_file_that_differs_from_its_pin(tmp_path):
    tarball = _tarball({"package/dist/chart.min.js": b"something else"})
    package = _package(tarball, b"window.fakechart = {};")
    with pytest.raises(vendor.IntegrityError, match="SHA-256 differs"):
        vendor.install(package, root=tmp_path, fetch=lambda url: tarball)
    missing = _tarball({"package/README.md": b"x"})
    with pytest.raises(vendor.IntegrityError, match="not in the tarball"):
        vendor.install(_package(missing, b"x"), root=tmp_path, fetch=lambda url: missing)
    assert not (tmp_path / "static/vendor/fakechart/chart.min.js").exists()


def test_the_pinned_echarts_release():
    (echarts,) = vendor.PACKAGES
    assert echarts.url == "https://registry.npmjs.org/echarts/-/echarts-5.5.1.tgz"
    assert echarts.integrity.startswith("sha512-Fce8upazaAXUVUVsjgV6mBnGuqgO")
    assert echarts.target == "static/vendor/echarts"
    assert {name for name, _ in echarts.files.values()} >= {"echarts.min.js", "LICENSE"}
    with pytest.raises(ValueError, match="refusing"):
        vendor.download("https://cdn.example.com/echarts.min.js")
