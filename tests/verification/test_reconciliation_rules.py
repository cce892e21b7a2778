"""Reconciliation (seed 000 §二(三)): count and model against declared shipments, not code
for code; dealer purchases attributed to makers through the model."""

from __future__ import annotations

import pytest

from supervision.verification.rules.reconciliation import (
    LineStatus,
    attribute_purchases,
    maker_key,
    makers_by_model,
    model_key,
    reconcile,
)

HAIER, MIDEA = "青岛海尔股份有限公司", "合肥美的电冰箱有限公司"


def _table(lines):
    return [
        (line.manufacturer, line.model, line.declared, [(s.stage, s.count, s.difference, s.status) for s in line.stages])
        for line in lines
    ]  # fmt: skip


def test_counts_per_maker_and_model_against_declared_shipments():
    declared = {(HAIER, "BCD-216SDN"): 100, (HAIER, "BCD-318WS"): 50, (MIDEA, "BCD-210"): 30}
    stages = {
        "production": {
            (HAIER, "BCD-216SDN"): 100,
            (HAIER, "BCD-318WS"): 55,
            (MIDEA, "BCD-210"): 30,
        },
        "consumer_sales": {
            (HAIER, "BCD-216SDN"): 98,
            (HAIER, "BCD-999"): 3,
            (MIDEA, "BCD-210"): 30,
        },
    }
    assert _table(reconcile(declared, stages)) == [
        # lines with a difference first, by maker then model
        (HAIER, "BCD-216SDN", 100, [("production", 100, 0, LineStatus.EQUAL),
                                    ("consumer_sales", 98, -2, LineStatus.FEWER)]),
        (HAIER, "BCD-318WS", 50, [("production", 55, 5, LineStatus.MORE),
                                   ("consumer_sales", 0, -50, LineStatus.FEWER)]),
        (HAIER, "BCD-999", 0, [("production", 0, 0, LineStatus.EQUAL),
                                ("consumer_sales", 3, 3, LineStatus.UNDECLARED)]),
        (MIDEA, "BCD-210", 30, [("production", 30, 0, LineStatus.EQUAL),
                                ("consumer_sales", 30, 0, LineStatus.EQUAL)]),
    ]  # fmt: skip


def test_an_equal_line_has_no_difference_and_labels_read_in_chinese():
    [line] = reconcile({(HAIER, "A"): 5}, {"shipments": {(HAIER, "A"): 5}})
    assert not line.has_difference
    assert line.stage("shipments").status.label == "一致"
    assert line.stage("nowhere") is None
    assert [s.label for s in LineStatus] == ["一致", "多于申报出货", "少于申报出货", "无申报出货"]


def test_only_count_and_model_matter_spellings_are_folded():
    declared = {(HAIER, "BCD-216SDN"): 3}
    stages = {
        "outlet_stock": {(" 青岛海尔股份有限公司", "bcd－216 sdn"): 2, (HAIER, "BCD-216SDN"): 1}
    }
    [line] = reconcile(declared, stages)
    assert (line.manufacturer, line.model, line.stage("outlet_stock").count) == (
        HAIER,
        "BCD-216SDN",
        3,
    )
    assert not line.has_difference


def test_nothing_declared_nothing_reported():
    assert reconcile({}, {"production": {}}) == []


@pytest.mark.parametrize(
    ("typed", "key"), [(" bcd-216 sdn", "BCD-216SDN"), ("ＢＣＤ－２１６", "BCD-216"), (None, "")]
)
def test_model_key(typed, key):
    assert model_key(typed) == key


def test_maker_key_keeps_case_and_drops_spaces():
    assert maker_key(" 青岛 海尔 ") == "青岛海尔"


def test_dealer_purchases_go_to_the_maker_of_the_model():
    makers = makers_by_model(
        [
            (HAIER, "BCD-216SDN"),
            (HAIER, "bcd-318ws"),
            (MIDEA, "BCD-210"),
            (HAIER, "X-1"),
            (MIDEA, "X-1"),
        ]
    )
    assert makers["BCD-318WS"] == (HAIER,)
    assert makers["X-1"] == tuple(sorted((HAIER, MIDEA)))
    result = attribute_purchases(
        {"BCD-216SDN": 10, "bcd-216sdn": 2, "BCD-210": 4, "UNKNOWN-7": 6, "X-1": 3}, makers
    )
    assert result.counts == {(HAIER, "BCD-216SDN"): 12, (MIDEA, "BCD-210"): 4}
    assert result.unknown == {"UNKNOWN-7": 6}
    assert result.ambiguous == {"X-1": (3, tuple(sorted((HAIER, MIDEA))))}
    # The attributed counts reconcile like any other stage.
    lines = reconcile({(HAIER, "BCD-216SDN"): 12}, {"dealer_purchases": result.counts})
    assert [(x.model, x.has_difference) for x in lines] == [
        ("BCD-210", True),
        ("BCD-216SDN", False),
    ]
