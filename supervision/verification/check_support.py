"""What the checks of a unit's sales records share: which rows the user may read, lists of
aggregated rows page by page, personal data as the user may see it, workbook downloads."""

from __future__ import annotations

import io
from typing import Any

from flask import current_app, send_file
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, and_, exists, false, func, select

from ..core import access
from ..extensions import db
from .rules.masking import masked_sale

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def unit_filter(model, campaign_id: int, unit_id: int, user):
    """The WHERE clause for the rows of one unit in one campaign that ``user`` may read
    (``user`` None: the system, e.g. a CLI command, reads them all).

    Every row of a (campaign, unit) carries the same campaign, unit and province, so the
    scope rule gives the same answer for all of them: it is asked once, of one row, and the
    big queries then filter on (campaign_id, unit_id) alone, which the tables' indexes cover
    (the bulk-buyer query reads only ``ix_verification_consumer_sales_buyer``).
    """
    own = (model.campaign_id == campaign_id, model.unit_id == unit_id)
    clause = None if user is None else access.scope_clause(model, user)
    if clause is not None and not db.session.scalar(select(exists().where(*own, clause))):
        return false()
    return and_(*own)


class RowPagination(Pagination):
    """``db.paginate`` for selects of columns (GROUP BY results, joined rows): the items are
    the result rows, not the first column's values.

    The page's rows come with the number of rows in all (``COUNT(*) OVER ()``): a list made
    by a GROUP BY over a unit's records (its bulk buyers) is computed once, not once more
    for the count. Only a page past the end counts apart."""

    def _query_items(self) -> list[Any]:
        stmt = self._query_args["select"]
        self._counted = None
        if stmt._distinct:  # the window would count the rows before DISTINCT
            page = stmt.limit(self.per_page).offset(self._query_offset)
            return list(db.session.execute(page))
        width = len(stmt.selected_columns)
        counted = stmt.add_columns(func.count().over().label("rows_in_all"))
        result = db.session.execute(counted.limit(self.per_page).offset(self._query_offset))
        rows = result.freeze()
        items = rows().columns(*range(width)).all()
        self._counted = rows().all()[0][width] if items else None
        return items

    def _query_count(self) -> int:
        if self._counted is not None:
            return self._counted
        if self._query_offset == 0 and not self.items:
            return 0
        sub = self._query_args["select"].order_by(None).subquery()
        return db.session.scalar(select(func.count()).select_from(sub)) or 0


def paginate_rows(stmt: Select, per_page: int | None = None) -> RowPagination:
    """Rows of ``stmt`` (already ordered) for ``?page=``; ``per_page`` defaults to PAGE_SIZE."""
    return RowPagination(
        select=stmt,
        per_page=per_page or current_app.config["PAGE_SIZE"],
        max_per_page=200,
        error_out=False,
    )


def personal(row, clear: bool) -> dict[str, str]:
    """A consumer-sale row's personal data as the user may see it: in clear for the people
    doing the checks (who asked for it), masked otherwise. Organisations' names and codes are
    not personal data and stay as written."""
    if clear:
        return {
            "consumer_name": row.consumer_name,
            "contact": row.contact,
            "phone": row.phone,
            "id_number": row.id_number,
            "address": row.address,
        }
    return masked_sale(
        consumer_name=row.consumer_name,
        contact=row.contact,
        phone=row.phone,
        id_number=row.id_number,
        address=row.address,
        buyer_key=getattr(row, "buyer_key", "") or "",
    )


def send_workbook(data: io.BytesIO | bytes, name: str):
    """The workbook as an attachment (the UTF-8 name goes in ``filename*``)."""
    buffer = data if isinstance(data, io.BytesIO) else io.BytesIO(data)
    buffer.seek(0)
    return send_file(buffer, mimetype=XLSX, as_attachment=True, download_name=name, max_age=0)
