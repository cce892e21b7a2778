"""Helpers of the verification and review journeys: what a page's table shows, the time the
users live in, a downloaded workbook's rows."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
from playwright.sync_api import Locator, Page

BEIJING = ZoneInfo("Asia/Shanghai")


def beijing_now() -> datetime:
    return datetime.now(BEIJING)


def minutes_between(start: datetime, end: datetime) -> set[str]:
    """Every "YYYY-MM-DD HH:MM" from ``start`` to ``end`` (what a page may show for a moment
    between them)."""
    shown, moment = set(), start.replace(second=0, microsecond=0)
    while moment <= end:
        shown.add(moment.strftime("%Y-%m-%d %H:%M"))
        moment += timedelta(minutes=1)
    return shown


def flash(page: Page, kind: str = "success") -> Locator:
    """The message the last action flashed (``kind``: success, warning, danger)."""
    return page.locator(f'.alert-{kind}[role="alert"]')


def cells(row: Locator) -> list[str]:
    """One table row as the user reads it: each cell's text, white space collapsed."""
    return [" ".join(text.split()) for text in row.locator("td").all_inner_texts()]


def table_rows(table: Locator) -> list[list[str]]:
    """The body rows of ``table``."""
    return [cells(row) for row in table.locator("tbody tr").all()]


def column(table: Locator, header: str) -> list[str]:
    """The cells under the column headed ``header``."""
    headers = [" ".join(h.split()) for h in table.locator("thead th").all_inner_texts()]
    index = headers.index(header)
    return [row[index] for row in table_rows(table)]


def download(page: Page, link_name: str, folder: Path) -> Path:
    """Click the link named ``link_name`` and keep the file it downloads in ``folder``."""
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name, exact=True).click()
    saved = folder / info.value.suggested_filename
    info.value.save_as(saved)
    return saved


def sheet_table(path: Path, header_first: str) -> tuple[list, list[list]]:
    """The one table of a downloaded workbook's first sheet: its header row (the row starting
    with ``header_first``) and the data rows under it (those numbered in the first column)."""
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
    start = next(n for n, row in enumerate(rows) if row[0] == header_first)
    data = [row for row in rows[start + 1 :] if isinstance(row[0], int)]
    return rows[start], data
