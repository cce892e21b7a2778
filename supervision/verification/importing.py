"""The six sales-record tables (seed 002 附表3-1 … 3-6) as import kinds, one campaign and one
unit per file: ``verification_producer_stock`` … ``verification_consumer_sales``.

Files reach a million rows: every cell is read by a precompiled reader, messages are built
only for the rows in error, duplicates against the database are one query per batch, and rows
are written by batches of Core ``insert`` (see ``supervision/imports`` for the passes).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, insert, select, text

from ..core.access import Permission
from ..core.models import Organisation
from ..extensions import db
from ..imports.models import ImportJob
from ..imports.service import Column, ImportContext, ImportKind, register_kind
from .import_checks import READERS, bad_cell, campaign_and_unit, period_problem
from .import_columns import TABLES, SalesTable, column_length
from .rules import buyer_key
from .rules.masking import masked_sale

#: A million rows of 附表3-6 are about 270 MB as UTF-8 .csv, 100 MB as .xlsx (measured on
#: ``samplefiles``' rows).
MAX_BYTES = 400 * 1024 * 1024
#: Buyer keys made from a valid 证件号码 (``rules.buyer_key``: ID number, organisation code).
_ID_KEYS = ("ID:", "ORG:")


def _prepare(table: SalesTable) -> Callable[[ImportContext], None]:
    def prepare(context: ImportContext) -> None:
        campaign, unit = campaign_and_unit(context)
        state = context.state
        state["campaign_id"] = campaign.id
        state["unit_id"] = unit.id
        state["base"] = {
            "campaign_id": campaign.id,
            "unit_id": unit.id,
            "province_id": unit.province_org_id,
            "import_job_id": context.job_id,
        }
        state["period"] = (campaign.sales_from, campaign.sales_to)
        #: product code → the row it first appeared in.
        state["seen"] = {}
        state["written"] = 0
        if table.has_product_codes:
            refresh_statistics(table)

    return prepare


#: Rows written by an import after which the table's statistics are refreshed once more.
ANALYZE_AFTER = 10_000


def refresh_statistics(table: SalesTable) -> None:
    """PostgreSQL: fresh planner statistics for the table, so that the duplicate check of
    every batch looks its product codes up in the (campaign, product code) index.

    With stale statistics (a new campaign, or the rows this very import is adding, which
    autovacuum cannot see before the commit) the planner takes the campaign's rows for a
    few and reads them all for each batch: quadratic time over a million rows. ANALYZE in
    the import's transaction counts the rows it has added; it samples at most 30 000 rows,
    well under a second.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(f"ANALYZE {table.model.__tablename__}"))


# -- one row ------------------------------------------------------------------------------------


def _field_plan(table: SalesTable) -> list[tuple]:
    """Per column: (key, header, reader kind, reader, required, longest text)."""
    return [
        (
            f.key,
            f.header,
            f.reads,
            READERS.get(f.reads),
            f.required,
            column_length(table, f.key) if f.reads in ("text", "phone") else None,
        )
        for f in table.fields
    ]


def _validate(table: SalesTable):
    plan = _field_plan(table)
    date_key = table.date_key
    date_header = table.field(date_key).header
    within = table.period == "within"
    codes = table.has_product_codes
    consumers = table.key == "consumer_sales"
    identity_header = table.field("id_number").header if consumers else ""

    def validate_row(row: dict[str, str], context: ImportContext):
        state = context.state
        values = dict(state["base"])
        values["row_number"] = context.row
        problems = []
        for key, header, reads, reader, required, longest in plan:
            cell = row[key]
            if not cell:
                if required:
                    problems.append((key, _l("请填写“%(h)s”。", h=header)))
                values[key] = ""
                continue
            if longest is not None and len(cell) > longest:
                problems.append((key, _l("“%(h)s”超过 %(n)s 个字。", h=header, n=longest)))
                continue
            if reader is None:
                values[key] = cell
                continue
            value = reader(cell)
            if value is None:
                problems.append((key, bad_cell(reads, header, cell)))
            else:
                values[key] = value
        if problems:
            return None, problems
        day, (start, end) = values[date_key], state["period"]
        if day > end or (within and day < start):
            return None, [(date_key, period_problem(table, date_header, day, (start, end)))]
        if codes:
            code = values["product_code"]
            first = state["seen"].setdefault(code, context.row)
            if first != context.row:
                return None, [
                    (
                        "product_code",
                        _l("产品唯一编码 %(code)s 与第 %(row)s 行重复。", code=code, row=first),
                    )
                ]
        if consumers:
            # The organisation's name (not its buyer's) with the phone, failing a valid 证件号码.
            key = buyer_key(
                id_number=values["id_number"], name=values["consumer_name"], phone=values["phone"]
            )
            if values["id_number"] and not key.startswith(_ID_KEYS):
                return None, [("id_number", bad_cell("identity", identity_header, ""))]
            values["buyer_key"] = key
        return values, []

    return validate_row


# -- the database: duplicates and writing -------------------------------------------------------


def _check_batch(table: SalesTable):
    model = table.model

    def check_batch(batch, context: ImportContext) -> list[tuple[int, str, str]]:
        """Codes this campaign already has in the table (from another file): one query."""
        rows_of = {value["product_code"]: row for row, value in batch}
        state = context.state
        found = db.session.execute(
            select(model.product_code, model.unit_id, ImportJob.id, ImportJob.file_name)
            .outerjoin(ImportJob, ImportJob.id == model.import_job_id)
            .where(
                model.campaign_id == state["campaign_id"],
                # Literal values: each batch is planned afresh. A prepared statement's
                # generic plan, made while the table was small, would scan it whole with a
                # thousand parameters compared on every row — rows this very import adds.
                model.product_code.in_(bindparam("codes", list(rows_of), literal_execute=True)),
            )
        )
        errors = []
        for code, unit_id, job_id, file_name in found:
            if unit_id == state["unit_id"] and job_id is not None:
                message = _l(
                    "产品唯一编码 %(code)s 已由导入任务 #%(job)s（%(file)s）导入。",
                    code=code,
                    job=job_id,
                    file=file_name,
                )
            elif unit_id == state["unit_id"]:
                message = _l("产品唯一编码 %(code)s 已在本单位的记录中。", code=code)
            else:
                unit = db.session.get(Organisation, unit_id)
                message = _l(
                    "产品唯一编码 %(code)s 已在本次核查中由%(unit)s导入。",
                    code=code,
                    unit=unit.name if unit else "",
                )
            errors.append((rows_of[code], "product_code", message))
        return errors

    return check_batch


def _write_batch(table: SalesTable):
    target = table.model.__table__

    def write_batch(values: list[dict], context: ImportContext) -> None:
        """The batch in one COPY (PostgreSQL with psycopg) or one executemany INSERT; the
        import is audited as a whole."""
        connection = db.session.connection()
        if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
            copy_rows(connection, target, values)
        else:
            db.session.execute(insert(target), values)
        state = context.state
        before, state["written"] = state["written"], state["written"] + len(values)
        if before < ANALYZE_AFTER <= state["written"] and table.has_product_codes:
            refresh_statistics(table)

    return write_batch


def copy_rows(connection, target, values: list[dict]) -> None:
    """Rows into ``target`` with PostgreSQL's COPY, inside the session's transaction: three
    times the rate of an executemany INSERT (16 000 against 4 700 rows a second measured on
    附表3-6), the foreign-key checks included."""
    from psycopg import sql

    columns = list(values[0])
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(target.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in values:
            copy.write_row([row[c] for c in columns])


# -- the confirmation page's preview ------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def _preview(table: SalesTable):
    keys = [f.key for f in table.fields]
    if table.key != "consumer_sales":
        return lambda values: [_text(values.get(k)) for k in keys]

    def preview(values: dict) -> list[str]:
        """Personal data masked: the preview is kept with the job, seen by the province."""
        shown = {
            **values,
            **masked_sale(
                consumer_name=values["consumer_name"],
                contact=values["contact"],
                phone=values["phone"],
                id_number=values["id_number"],
                address=values["address"],
                buyer_key=values["buyer_key"],
            ),
        }
        return [_text(shown.get(k)) for k in keys]

    return preview


def _links(table: SalesTable):
    def links(params: dict) -> dict | None:
        if not params.get("campaign") or not params.get("unit"):
            return None
        return {
            "campaign_id": params["campaign"],
            "unit_id": params["unit"],
            "sales_table": table.key,
        }

    return links


def _description(table: SalesTable):
    lines = {
        1: _l(
            "%(annex)s %(title)s。第一行为表头，与模板一致（序号列可有可无）；每行一件产品，"
            "产品唯一编码在本次核查的同一张表中不得重复（含此前导入的文件）。日期填写如 "
            "2013-01-05、2013/1/5 或 2013年1月5日；组织机构代码可填 9 位组织机构代码或 18 位统一"
            "社会信用代码；发票号为 8 至 20 位数字。文件中有任何错误时不导入任何数据。",
            annex=table.annex,
            title=table.title,
        ),
        2: _l(
            "%(annex)s %(title)s。前两行为表头（分组行和列名行），与模板一致；每行一件产品，"
            "产品唯一编码在本次核查中不得重复（含此前导入的文件）；产品销售时间须在本次核查的"
            "销售期间内；行政区划代码为 6 位数字；单位购买时填写联系人；“证件号码”列可选，"
            "填写身份证号码或组织机构代码用于识别大宗用户。文件中有任何错误时不导入任何数据。",
            annex=table.annex,
            title=table.title,
        ),
    }
    if table.key == "dealer_purchases":
        return _l(
            "%(annex)s %(title)s。第一行为表头，与模板一致；每行一张发票上的一个规格型号及其进货"
            "数量；日期填写如 2013-01-05、2013/1/5 或 2013年1月5日；组织机构代码可填 9 位组织机构"
            "代码或 18 位统一社会信用代码；发票号为 8 至 20 位数字。文件中有任何错误时不导入任何数据。",
            annex=table.annex,
            title=table.title,
        )
    return lines[table.header_rows]


def _kind(table: SalesTable) -> ImportKind:
    ignored = ("序号", *table.groups)
    return ImportKind(
        name=table.kind,
        label=table.label,
        columns=tuple(Column(f.key, f.header, required=f.column_required) for f in table.fields),
        validate_row=_validate(table),
        write_batch=_write_batch(table),
        check_batch=_check_batch(table) if table.has_product_codes else _no_check,
        prepare=_prepare(table),
        preview=_preview(table),
        permission=Permission.RUN_VERIFICATION,
        template_endpoint="verification.record_template",
        done_endpoint="verification.records",
        description=_description(table),
        header_rows=table.header_rows,
        # Every column of 附表3-6 sits under a group: its lower header line alone will do.
        lower_header_alone=table.header_rows > 1 and all(f.group for f in table.fields),
        ignored_headers=ignored,
        url_params=("campaign", "unit"),
        endpoint_args=_links(table),
        max_bytes=MAX_BYTES,
    )


def _no_check(batch, context: ImportContext) -> list:
    return []


#: Table key → its registered import kind.
KINDS: dict[str, ImportKind] = {key: register_kind(_kind(t)) for key, t in TABLES.items()}
