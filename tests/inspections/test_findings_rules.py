"""Pure rules: the six daily checks and the findings proposed from verdicts, ledger and checks."""

from __future__ import annotations

import pytest

from supervision.inspections.evidence import sniff
from supervision.inspections.reference import LEGAL_BASES
from supervision.inspections.rules import checklist as checks
from supervision.inspections.rules.findings import (
    CheckFacts,
    EquipmentFacts,
    VerdictFacts,
    basis_applies,
    finding_key,
    propose,
)


def test_six_checks_each_with_a_known_basis():
    assert [c.key for c in checks.CHECKS] == [
        "management_system",
        "energy_manager",
        "metering",
        "statistics",
        "status_report",
        "training",
    ]
    keys = {b.key for b in LEGAL_BASES}
    for check in checks.CHECKS:
        assert check.basis_key in keys
        basis = next(b for b in LEGAL_BASES if b.key == check.basis_key)
        assert basis_applies("daily_check", basis.applies_to), check.key


@pytest.mark.parametrize(
    "answers, missing",
    [
        ({"metering": ("fail", "")}, ["metering"]),
        ({"metering": ("fail", "   ")}, ["metering"]),
        ({"metering": ("fail", "未配备")}, []),
        ({"metering": ("pass", ""), "training": ("na", "")}, []),
        ({"metering": (None, "")}, []),
    ],
)
def test_a_failure_needs_a_note(answers, missing):
    assert checks.missing_notes(answers) == missing


def test_unknown_items_are_named():
    assert checks.unknown_items({"metering": 1, "canteen": 2}) == ["canteen"]


def _v(rule, status, **kw):
    kw.setdefault("id", 7)
    kw.setdefault("subject", "硫磺制酸")
    kw.setdefault("reason", "理由")
    return VerdictFacts(rule=rule, status=status, **kw)


@pytest.mark.parametrize(
    "verdict, expected",
    [
        # (kind, basis, severity, unverified) or None for no proposal
        (_v("quota", "over_limit", numbers={"over_percent": "12.50"}), ("over_quota", "ecl_16", "serious", False)),
        (_v("quota", "compliant"), None),
        (_v("quota", "missing_data"), None),
        (_v("quota", "limit_unverified", provisional="over_limit", verified=False), ("over_quota", "ecl_16", "serious", True)),
        (_v("quota", "limit_unverified", provisional="compliant", verified=False), None),
        (_v("quota", "over_limit", verified=False), ("over_quota", "ecl_16", "serious", True)),
        (_v("ladder", "mismatch"), ("ladder_mismatch", "ladder_price", "general", False)),
        (_v("ladder", "determined", numbers={"mismatch": True}), ("ladder_mismatch", "ladder_price", "general", False)),
        (_v("ladder", "determined", numbers={"direction": "under"}), ("ladder_mismatch", "ladder_price", "general", False)),
        (_v("ladder", "determined", numbers={"status": "mismatch"}), ("ladder_mismatch", "ladder_price", "general", False)),
        (_v("ladder", "determined", numbers={"is_finding": "false", "direction": None}), None),
        (_v("ladder", "compliant", numbers={"direction": ""}), None),
        (_v("ladder", "limit_unverified", provisional="mismatch", verified=False), ("ladder_mismatch", "ladder_price", "general", True)),
        (_v("pue", "over_limit"), ("pue", "supervision_2016", "minor", False)),
        (_v("pue", "compliant"), None),
        (_v("equipment", "eliminate"), None),  # the ledger rows propose, not the summary
    ],
)  # fmt: skip
def test_verdict_proposals(verdict, expected):
    found = propose([verdict])
    if expected is None:
        assert found == []
        return
    (p,) = found
    assert (p.kind, p.basis_key, p.severity, p.unverified) == expected
    assert (p.key, p.verdict_id, p.equipment_item_id) == ("verdict:7", 7, None)
    assert ("reference_unverified" in p.numbers) == expected[3]


def test_quota_proposal_carries_its_numbers():
    (p,) = propose(
        [
            _v(
                "quota",
                "over_limit",
                value="-80",
                limit="-100",
                unit="kgce/t",
                reference_version="GB 29141-2012",
                numbers={"over_percent": "20.00", "over_amount": "20", "ignored": "x"},
            )
        ]
    )
    assert p.numbers == {
        "subject": "硫磺制酸",
        "value": "-80",
        "limit": "-100",
        "unit": "kgce/t",
        "over_amount": "20",
        "over_percent": "20.00",
        "reference_version": "GB 29141-2012",
    }
    assert p.description == "硫磺制酸：理由（超出 20.00%）"


def _e(status, **kw):
    kw.setdefault("id", 3)
    return EquipmentFacts(kind="motor", model="Y-160M-4", status=status, **kw)


@pytest.mark.parametrize(
    "item, expected",
    [
        (_e("eliminate", batch="第一批"), ("eliminated_equipment", "serious", False)),
        (_e("below_limit"), ("below_efficiency", "general", False)),
        (_e("below_limit", verified=False), ("below_efficiency", "general", True)),
        (_e("limit_unverified", batch="第二批", verified=False), ("eliminated_equipment", "serious", True)),
        (_e("limit_unverified", verified=False), None),
        (_e("compliant"), None),
        (_e("missing_data"), None),
        (_e(""), None),
    ],
)  # fmt: skip
def test_equipment_proposals(item, expected):
    found = propose([], [item])
    if expected is None:
        assert found == []
        return
    (p,) = found
    assert (p.kind, p.severity, p.unverified) == expected
    assert (p.key, p.basis_key, p.equipment_item_id, p.verdict_id) == (
        "equipment:3",
        "ecl_17",
        3,
        None,
    )
    assert p.numbers["model"] == "Y-160M-4"


@pytest.mark.parametrize(
    "entry, basis",
    [
        (CheckFacts("metering", "fail", "配备率不足"), "ecl_27"),
        (CheckFacts("training", "fail", "无培训记录"), "ecl_26"),
        (CheckFacts("energy_manager", "fail", "未备案"), "ecl_55"),
        (CheckFacts("status_report", "fail", "未报送"), "ecl_53"),
        (CheckFacts("training", "pass"), None),
        (CheckFacts("training", "na"), None),
        (CheckFacts("training", None), None),
        (CheckFacts("canteen", "fail", "x"), None),
    ],
)
def test_checklist_proposals(entry, basis):
    found = propose([], [], [entry])
    if basis is None:
        assert found == []
        return
    (p,) = found
    assert (p.kind, p.basis_key, p.key) == ("daily_check", basis, f"check:{entry.item}")
    assert p.numbers == {"check_item": entry.item, "note": entry.note}
    assert entry.note in p.description


def test_recorded_proposals_are_left_out():
    verdict = _v("quota", "over_limit")
    item = _e("eliminate")
    check = CheckFacts("metering", "fail", "x")
    recorded = [
        finding_key(7, None, {}),
        finding_key(None, 3, {}),
        finding_key(None, None, {"check_item": "metering"}),
        finding_key(None, None, {}),  # entered by hand: answers no proposal
    ]
    assert recorded == ["verdict:7", "equipment:3", "check:metering", None]
    assert propose([verdict], [item], [check], recorded=recorded) == []
    assert len(propose([verdict], [item], [check], recorded=recorded[:1])) == 2


@pytest.mark.parametrize(
    "kind, applies_to, ok",
    [
        ("over_quota", ("over_quota",), True),
        ("over_quota", ("ladder_mismatch",), False),
        ("other", ("ladder_mismatch",), True),
        ("pue", (), False),
    ],
)
def test_basis_applies(kind, applies_to, ok):
    assert basis_applies(kind, applies_to) is ok


@pytest.mark.parametrize(
    "head, expected",
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"%PDF-1.7\n", "application/pdf"),
        (b"II*\x00\x08\x00", "image/tiff"),
        (b"MM\x00*\x00\x00", "image/tiff"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00", "image/heic"),
        (b"\x00\x00\x00\x18ftypisom\x00\x00", None),  # an MP4 video
        (b"MZ\x90\x00", None),
        (b"GIF89a", None),
        (b"<html>", None),
        (b"", None),
    ],
)
def test_sniff_by_content(head, expected):
    assert sniff(head) == expected
