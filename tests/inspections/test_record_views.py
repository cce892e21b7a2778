"""Case record pages: daily checklist, evidence files and findings (with proposals)."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from flask import current_app
from inspections_support import Casework, casework  # noqa: F401
from sqlalchemy import select

from conftest import login
from supervision.extensions import db
from supervision.inspections import service
from supervision.inspections.models import (
    ChecklistEntry,
    CheckResult,
    Evidence,
    Finding,
    Severity,
)
from supervision.inspections.rules import Status

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"

# -- checklist ------------------------------------------------------------------------------


def _checklist_data(**overrides):
    data = {}
    for key in (
        "management_system",
        "energy_manager",
        "metering",
        "statistics",
        "status_report",
        "training",
    ):
        data[f"result_{key}"] = "pass"
        data[f"note_{key}"] = ""
    data.update(overrides)
    return data


def test_checklist_shows_the_six_checks(casework: Casework, client):
    case = casework.open(1, "sulphuric_acid")
    login(client, casework.world.a_inspector.username)
    page = client.get(f"/cases/{case.id}/checklist").get_data(as_text=True)
    for title in (
        "能源管理体系建立情况",
        "能源管理岗位设立和能源管理负责人履职情况",
        "能源计量制度执行情况",
        "能源消费统计制度执行情况",
        "能源利用状况报告制度执行情况",
        "节能教育培训开展情况",
    ):
        assert title in page
    assert "data-draft-url" in page


def test_a_failed_check_needs_a_note(casework: Casework, client):
    case = casework.open(1, "sulphuric_acid")
    login(client, casework.world.a_inspector.username)
    bad = client.post(f"/cases/{case.id}/checklist", data=_checklist_data(result_metering="fail"))
    assert bad.status_code == 422
    assert "判定为“不符合”的，请填写情况说明。" in bad.get_data(as_text=True)
    assert (
        db.session.scalars(select(ChecklistEntry).where(ChecklistEntry.case_id == case.id)).all()
        == []
    )
    garbled = client.post(f"/cases/{case.id}/checklist", data=_checklist_data(result_training="x"))
    assert garbled.status_code == 422


def test_checklist_is_saved_and_shown_to_officers(casework: Casework, client):
    case = casework.open(1, "sulphuric_acid")
    login(client, casework.world.a_inspector.username)
    data = _checklist_data(
        result_metering="fail", note_metering="二级计量器具配备率不足", result_training="na"
    )
    del data["result_statistics"]  # not checked yet
    ok = client.post(f"/cases/{case.id}/checklist", data=data)
    assert ok.status_code == 302
    entries = {
        e.item: e
        for e in db.session.scalars(select(ChecklistEntry).where(ChecklistEntry.case_id == case.id))
    }
    assert entries["metering"].result == CheckResult.FAIL
    assert entries["metering"].note == "二级计量器具配备率不足"
    assert entries["training"].result == CheckResult.NOT_APPLICABLE
    assert "statistics" not in entries
    login(client, casework.world.a_officer.username)
    page = client.get(f"/cases/{case.id}/checklist").get_data(as_text=True)
    assert "二级计量器具配备率不足" in page and "不适用" in page and "未检查" in page
    refused = client.post(f"/cases/{case.id}/checklist", data=_checklist_data())
    assert "只有承办本案件的监察人员可以录入。" in refused.get_data(as_text=True)


# -- evidence -------------------------------------------------------------------------------


def _upload(client, case, content: bytes, name: str, **extra):
    data = {"file": (io.BytesIO(content), name), "description": "现场照片", **extra}
    return client.post(f"/cases/{case.id}/evidence", data=data, content_type="multipart/form-data")


def _evidence_of(case):
    return db.session.scalars(select(Evidence).where(Evidence.case_id == case.id)).all()


def test_a_photo_is_kept_and_served_to_those_who_see_the_case(casework: Casework, client):
    world = casework.world
    case = casework.open(1, "sulphuric_acid")
    login(client, world.a_inspector.username)
    assert (
        _upload(client, case, PNG, "../../现场 照片.jpg", check_item="metering").status_code == 302
    )
    (kept,) = _evidence_of(case)
    assert (kept.filename, kept.content_type, kept.size) == ("现场 照片.jpg", "image/png", len(PNG))
    assert kept.check_item == "metering"
    assert len(kept.sha256) == 64 and kept.stored_name not in kept.filename
    stored = Path(current_app.instance_path) / "evidence" / kept.stored_name
    assert stored.read_bytes() == PNG
    shown = client.get(f"/cases/{case.id}/evidence/{kept.id}")
    assert shown.status_code == 200
    assert shown.data == PNG
    assert shown.headers["Content-Type"] == "image/png"
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    assert shown.headers["Content-Disposition"].startswith("inline")
    checklist = client.get(f"/cases/{case.id}/checklist").get_data(as_text=True)
    assert "现场 照片.jpg" in checklist
    login(client, world.b_officer.username)
    assert client.get(f"/cases/{case.id}/evidence/{kept.id}").status_code == 404
    assert client.post(f"/cases/{case.id}/evidence/{kept.id}/delete").status_code == 404
    other = casework.open(1, "sulphuric_acid")
    login(client, world.a_inspector.username)
    # The file belongs to another case: not found through this one.
    assert client.get(f"/cases/{other.id}/evidence/{kept.id}").status_code == 404


def test_a_pdf_is_downloaded_and_deleting_removes_the_file(casework: Casework, client):
    case = casework.open(1, "sulphuric_acid")
    login(client, casework.world.a_inspector.username)
    _upload(client, case, PDF, "报告.pdf")
    (kept,) = _evidence_of(case)
    response = client.get(f"/cases/{case.id}/evidence/{kept.id}")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment")
    stored = Path(current_app.instance_path) / "evidence" / kept.stored_name
    assert stored.exists()
    assert client.post(f"/cases/{case.id}/evidence/{kept.id}/delete").status_code == 302
    assert _evidence_of(case) == []
    assert not stored.exists()


@pytest.mark.parametrize(
    "content, name",
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00", "setup.exe"),
        ("这不是图片，只是文字".encode(), "照片.jpg"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.png"),
    ],
)
def test_other_file_types_are_refused(casework: Casework, client, content, name):
    case = casework.open(1, "sulphuric_acid")
    login(client, casework.world.a_inspector.username)
    refused = _upload(client, case, content, name)
    assert refused.status_code == 422
    assert "只接受 JPEG、PNG、PDF、TIFF、HEIC 格式的照片、扫描件或 PDF 文件" in refused.get_data(
        as_text=True
    )
    assert _evidence_of(case) == []


def test_oversized_and_missing_files_are_refused(casework: Casework, client, app):
    case = casework.open(1, "sulphuric_acid")
    login(client, casework.world.a_inspector.username)
    before = set((Path(app.instance_path) / "evidence").glob("*"))
    previous = app.config.get("EVIDENCE_MAX_BYTES")
    app.config["EVIDENCE_MAX_BYTES"] = 256 * 1024
    try:
        refused = _upload(client, case, PNG + b"\0" * (300 * 1024), "大图.png")
    finally:
        if previous is None:
            app.config.pop("EVIDENCE_MAX_BYTES")
        else:
            app.config["EVIDENCE_MAX_BYTES"] = previous
    assert refused.status_code == 422
    assert "文件超过 0.25 MB 的上限" in refused.get_data(as_text=True)
    assert set((Path(app.instance_path) / "evidence").glob("*")) == before  # nothing left behind
    missing = client.post(f"/cases/{case.id}/evidence", data={"description": "无文件"})
    assert "请选择要上传的文件。" in missing.get_data(as_text=True)
    assert _evidence_of(case) == []


def test_only_the_cases_inspectors_upload(casework: Casework, client):
    case = casework.open(1, "sulphuric_acid")
    login(client, casework.world.a_officer.username)
    refused = _upload(client, case, PNG, "a.png")
    assert "只有承办本案件的监察人员可以录入。" in refused.get_data(as_text=True)
    assert _evidence_of(case) == []


# -- findings -------------------------------------------------------------------------------


def _findings_of(case):
    return db.session.scalars(select(Finding).where(Finding.case_id == case.id)).all()


def test_manual_finding_errors_and_saving(casework: Casework, client):
    case = casework.open(1, "sulphuric_acid")
    login(client, casework.world.a_inspector.username)
    empty = client.post(f"/cases/{case.id}/findings", data={"severity": "general"})
    assert empty.status_code == 422
    body = empty.get_data(as_text=True)
    for message in ("请选择问题类型。", "请选择法律依据。", "请填写问题描述。"):
        assert message in body
    wrong = client.post(
        f"/cases/{case.id}/findings",
        data={"kind": "over_quota", "basis_key": "ladder_price", "severity": "general",
              "description": "超限额"},
    )  # fmt: skip
    assert "所选法律依据不适用于该问题类型。" in wrong.get_data(as_text=True)
    unknown = client.post(
        f"/cases/{case.id}/findings",
        data={"kind": "over_quota", "basis_key": "nope", "severity": "general",
              "description": "超限额"},
    )  # fmt: skip
    assert "请选择法律依据。" in unknown.get_data(as_text=True)
    assert _findings_of(case) == []
    ok = client.post(
        f"/cases/{case.id}/findings",
        data={"kind": "metering", "basis_key": "ecl_27", "severity": "serious",
              "description": "主要用能设备未配备计量器具"},
    )  # fmt: skip
    assert ok.status_code == 302
    (found,) = _findings_of(case)
    assert (found.kind, found.severity, found.basis_key) == ("metering", Severity.SERIOUS, "ecl_27")
    assert found.basis_text.startswith("《中华人民共和国节约能源法》第二十七条：")
    page = client.get(f"/cases/{case.id}/findings").get_data(as_text=True)
    assert "主要用能设备未配备计量器具" in page and "待核实" in page
    assert client.post(f"/cases/{case.id}/findings/{found.id}/delete").status_code == 302
    assert _findings_of(case) == []


def test_a_quota_verdict_over_the_limit_is_proposed_and_adopted(casework: Casework, client):
    world = casework.world
    case = casework.open(1, "sulphuric_acid")
    verdict = service.store_verdict(
        case,
        rule="quota",
        subject="硫磺制酸",
        status=Status.OVER_LIMIT,
        reason="单位产品综合能耗 -80 kgce/t 高于限定值 -100 kgce/t",
        value=Decimal("-80"),
        limit_value=Decimal("-100"),
        unit="kgce/t",
        numbers={"over_amount": Decimal("20"), "over_percent": Decimal("20.00")},
        reference_version="GB 29141-2012",
        actor=world.a_inspector,
    )
    db.session.commit()
    login(client, world.a_inspector.username)
    page = client.get(f"/cases/{case.id}/findings").get_data(as_text=True)
    assert "记录为问题" in page and "超出 20.00%" in page
    adopted = client.post(f"/cases/{case.id}/findings/adopt", data={"key": f"verdict:{verdict.id}"})
    assert adopted.status_code == 302
    (found,) = _findings_of(case)
    assert (found.kind, found.basis_key, found.verdict_id) == ("over_quota", "ecl_16", verdict.id)
    assert found.basis_text.startswith("《中华人民共和国节约能源法》第十六条：")
    assert found.numbers["over_percent"] == "20.00"
    assert found.numbers["value"] == "-80" and found.numbers["limit"] == "-100"
    assert found.severity == Severity.SERIOUS
    again = client.post(f"/cases/{case.id}/findings/adopt", data={"key": f"verdict:{verdict.id}"})
    assert again.status_code == 422
    assert "该问题已经记录。" in again.get_data(as_text=True)
    assert "记录为问题" not in client.get(f"/cases/{case.id}/findings").get_data(as_text=True)


def test_an_unverified_proposal_needs_confirmation(casework: Casework, client):
    world = casework.world
    case = casework.open(4)
    verdict = service.store_verdict(
        case,
        rule="pue",
        subject="dc:1",
        status=Status.LIMIT_UNVERIFIED,
        provisional=Status.OVER_LIMIT,
        verified=False,
        reason="年均 PUE 1.62 高于目标值 1.50（目标值待核实）",
        value=Decimal("1.62"),
        limit_value=Decimal("1.5"),
        actor=world.a_inspector,
    )
    db.session.commit()
    login(client, world.a_inspector.username)
    page = client.get(f"/cases/{case.id}/findings").get_data(as_text=True)
    assert "参考值待核实" in page and "已核实参考值，确认记录" in page
    key = f"verdict:{verdict.id}"
    refused = client.post(f"/cases/{case.id}/findings/adopt", data={"key": key})
    assert refused.status_code == 422
    assert "该建议依据的参考值待核实" in refused.get_data(as_text=True)
    assert _findings_of(case) == []
    client.post(f"/cases/{case.id}/findings/adopt", data={"key": key, "confirmed": "y"})
    (found,) = _findings_of(case)
    assert (found.kind, found.basis_key, found.severity) == (
        "pue",
        "supervision_2016",
        Severity.MINOR,
    )
    assert found.numbers["reference_unverified"] == "是"


def test_a_failed_check_is_proposed_with_its_basis(casework: Casework, client):
    case = casework.open(1, "sulphuric_acid")
    login(client, casework.world.a_inspector.username)
    client.post(
        f"/cases/{case.id}/checklist",
        data=_checklist_data(result_status_report="fail", note_status_report="未报送 2019 年报告"),
    )
    assert "未报送 2019 年报告" in client.get(f"/cases/{case.id}/findings").get_data(as_text=True)
    client.post(f"/cases/{case.id}/findings/adopt", data={"key": "check:status_report"})
    (found,) = _findings_of(case)
    assert (found.kind, found.basis_key) == ("daily_check", "ecl_53")
    assert found.numbers == {"check_item": "status_report", "note": "未报送 2019 年报告"}
    gone = client.post(f"/cases/{case.id}/findings/adopt", data={"key": "check:training"})
    assert "该建议已不存在" in gone.get_data(as_text=True)


def test_officers_do_not_record_findings(casework: Casework, client):
    world = casework.world
    case = casework.open(1, "sulphuric_acid")
    verdict = service.store_verdict(
        case, rule="pue", subject="dc", status=Status.OVER_LIMIT, reason="高", actor=None
    )
    db.session.commit()
    login(client, world.a_officer.username)
    page = client.get(f"/cases/{case.id}/findings").get_data(as_text=True)
    assert "高" in page and "记录为问题</button>" not in page
    manual = client.post(
        f"/cases/{case.id}/findings",
        data={"kind": "pue", "basis_key": "supervision_2016", "severity": "minor",
              "description": "PUE 偏高"},
    )  # fmt: skip
    assert "只有承办本案件的监察人员可以录入。" in manual.get_data(as_text=True)
    adopted = client.post(f"/cases/{case.id}/findings/adopt", data={"key": f"verdict:{verdict.id}"})
    assert "只有承办本案件的监察人员可以录入。" in adopted.get_data(as_text=True)
    assert _findings_of(case) == []
    login(client, world.b_officer.username)
    assert client.get(f"/cases/{case.id}/findings").status_code == 404
