"""The hub of a unit in a campaign: the parts of its verification work and where each is done."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Card:
    endpoint: str
    title: object
    text: object


#: In the order the work is done (seed 000 §一 and §二, seeds 001/002 for the claims).
CARDS = (
    Card(
        "verification.records",
        _l("销售信息"),
        _l("导入和查阅库存、生产、出货、进货、销售安装等报表（附表3-1至3-6）。"),
    ),
    Card(
        "verification.reconciliation",
        _l("数量型号核对"),
        _l("按企业和型号核对各环节条形码数量与企业申报的出货信息，列出差异。"),
    ),
    Card(
        "verification.bulk_buyers",
        _l("大宗用户"),
        _l("单次或累计购买达到规定台数的单位或个人，逐一记录核查。"),
    ),
    Card(
        "verification.samples",
        _l("抽样核查"),
        _l("按比例抽取终端用户信息进行电话核查和入户核查，记录核查结果。"),
    ),
    Card(
        "verification.products",
        _l("推广产品"),
        _l("入围产品的型号和补贴条件（能效、容积、配置等）。"),
    ),
    Card(
        "verification.claims",
        _l("补贴资金申请"),
        _l("生产企业月度报告和年度清算报告，重新计算并标出差异。"),
    ),
    Card(
        "verification.results",
        _l("核查结果与报告"),
        _l("核查进度、结果表和核查报告，按期上报工业和信息化部。"),
    ),
)


def hub_cards(campaign_id: int, unit_id: int) -> list[tuple[Card, str]]:
    """Each part with its link."""
    return [(c, url_for(c.endpoint, campaign_id=campaign_id, unit_id=unit_id)) for c in CARDS]
