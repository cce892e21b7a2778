"""The draw in words: the reasons a run stores, the method anyone can follow to redo it, the
outcome the public page shows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

#: What a run says of an enterprise recusal left out, and of the one drawn in its place.
REASON_RECUSAL = (
    "回避：尚可分配的检查组均有执法人员申报了与该企业的利害关系（{detail}），不列入本次抽查"
)
TOP_UP = "由同层下一家企业补抽：{name}"
NO_TOP_UP = "同层已无可补抽的企业"


def _rate_text(rate: Decimal | str) -> str:
    percent = (Decimal(str(rate)) * 100).normalize()
    return f"{percent:f}%"


def method_text(
    *,
    size: int | None,
    rate: Decimal | str | None,
    pair_count: int,
    stratified: str = "",
    inspected_months: int | None = None,
    exclude_special: bool = False,
) -> str:
    """How the draw is made, in words anyone can follow to redo it from the stored run."""
    excluded = ["已停产的企业"]
    if inspected_months:
        excluded.append(
            f"抽取日前 {inspected_months} 个月内（含整 {inspected_months} 个月前的同一日，"
            "该日在当月不存在时取当月最后一日）有检查记录的企业"
        )
    if exclude_special:
        excluded.append("已列入本年度专项监察任务的企业")
    layers = f"按{stratified}分层，" if stratified else ""
    if rate is not None:
        how_many = (
            f"{layers}每层抽取 ⌈{_rate_text(rate)} × 层内企业数⌉ 家（向上取整）"
            if stratified
            else f"抽取 ⌈{_rate_text(rate)} × 企业数⌉ 家（向上取整）"
        )
    elif stratified:
        how_many = (
            f"{layers}共抽取 {size} 家，按各层企业数占比以最大余数法分配到各层（各层先取份额的"
            "整数部分，余下名额依次给小数部分最大的层，小数部分相同时层名排序在前者优先），"
            "抽取数不少于企业总数时全部抽取"
        )
    else:
        how_many = f"抽取 {size} 家（不少于企业总数时全部抽取）"
    return (
        f"一、名录：符合筛选条件的企业，排除{'、'.join(excluded)}。"
        f"二、抽取企业：每家企业的排序值 = SHA-256(“种子:企业编号”) 的前 8 字节（大端整数），"
        f"{how_many}，{'每层' if stratified else ''}按排序值从小到大取。"
        f"三、抽取执法人员：名录中每人的排序值 = SHA-256(“种子:inspectors:人员编号”) 的前 8 "
        f"字节，按从小到大排列，依次两人一组，前 {2 * pair_count} 人组成 {pair_count} 个"
        "检查组（第 1、2 人为第 1 组，依此类推）。"
        "四、分配与回避：按企业抽取顺序依次分配，每家给已分配企业最少且尚有名额的检查组（数量相同时"
        "组号小者优先），各组数量相差不超过 1；该组有执法人员申报了与该企业的利害关系的，改派下一个"
        "无利害关系且尚有名额的检查组，并记录回避；尚有名额的检查组均须回避的，该企业不列入本次抽查，"
        "由同层按排序值的下一家企业补抽。"
    )


# -- the published outcome ----------------------------------------------------------------------


def outcome_text(
    findings: int, *, rectification: bool = False, deadline_on: date | None = None
) -> str:
    """What the public page says of one enterprise's check (未发现问题 / 发现N项问题 …)."""
    if findings <= 0:
        return "未发现问题"
    text = f"发现{findings}项问题"
    if rectification:
        text += "，已责令限期整改"
        if deadline_on is not None:
            text += f"（整改期限至 {deadline_on.year}年{deadline_on.month}月{deadline_on.day}日）"
    return text
