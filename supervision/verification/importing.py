"""The six sales-record tables (seed 002 附表3-1 … 3-6) as import kinds, one campaign and one
unit per file: ``verification_producer_stock`` … ``verification_consumer_sales``.

Files reach a million rows, so the kinds trust their spool (``imports.spool``): the
validation pass reads a batch's cells column by column and builds messages only for the rows
in error (``import_checks.validators``), finds a code repeated in the file with the spool's
unique index and one already in the campaign with one query per batch, and keeps the rows as
they will be written; the import pass checks only what may have changed since (the sales
period; a code imported meanwhile is the unique key's to refuse) and has the database copy
the rows (SQLite: INSERT … SELECT from the attached spool; PostgreSQL: COPY).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, insert, select, text
from sqlalchemy.exc import IntegrityError

from ..core.access import Permission
from ..core.models import Organisation
from ..extensions import db
from ..imports import spool as spools
from ..imports.models import ImportJob
from ..imports.service import Column, ImportContext, ImportKind, register_kind
from .import_checks import (
    campaign_and_unit,
    period_problem_of,
    repeated_code,
    row_columns,
    validators,
)
from .import_columns import TABLES, SalesTable
from .rules.masking import masked_sale

#: A million rows of 附表3-6 are about 270 MB as UTF-8 .csv, 100 MB as .xlsx (measured on
#: ``samplefiles``' rows).
MAX_BYTES = 400 * 1024 * 1024


def _prepare(table: SalesTable) -> Callable[[ImportContext], None]:
    def prepare(context: ImportContext) -> None:
        campaign, unit = campaign_and_unit(context)
        state = context.state
        state["campaign_id"] = campaign.id
        state["unit_id"] = unit.id
        #: The values of ``BASE_COLUMNS`` but the row number.
        state["base"] = (campaign.id, unit.id, unit.province_org_id, context.job_id)
        state["period"] = (campaign.sales_from, campaign.sales_to)
        #: The same as ISO text, compared with the rows' dates as kept (ISO text too).
        state["period_text"] = (campaign.sales_from.isoformat(), campaign.sales_to.isoformat())
        if table.has_product_codes:
            refresh_statistics(table)

    return prepare


def refresh_statistics(table: SalesTable) -> None:
    """PostgreSQL: fresh planner statistics for the table, so that the duplicate check of
    every batch looks its product codes up in the (campaign, product code) index.

    With stale statistics (a new campaign whose rows autovacuum has not counted yet) the
    planner takes the campaign's rows for a few and reads them all for each batch: quadratic
    time over a million rows. ANALYZE samples at most 30 000 rows, well under a second. (The
    import pass makes no such query: the unique key refuses a duplicate there.)
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(f"ANALYZE {table.model.__tablename__}"))


def _recheck_spool(table: SalesTable):
    """The import pass's check of the validated rows: the campaign's sales period, which may
    have changed since the validation (one query of the spool). Duplicates in the database
    are the unique key's to refuse there, and ``check_batch``'s to explain."""
    date_key = table.date_key
    date_header = table.field(date_key).header
    within = table.period == "within"
    # The table's own column name; the dates are ISO text, compared as text.
    query = f'SELECT row_number, "{date_key}" FROM rows WHERE "{date_key}" > ? OR "{date_key}" < ?'  # noqa: S608

    def recheck_spool(spool, context: ImportContext) -> list[tuple[int, str, str]]:
        state = context.state
        start, end = state["period_text"]
        return [
            (row, date_key, period_problem_of(table, date_header, day, state))
            for row, day in spool.select(query, (end, start if within else ""))
        ]

    return recheck_spool


# -- the database: duplicates and writing -------------------------------------------------------


def _check_batch(table: SalesTable):
    model = table.model
    code_at = row_columns(table).index("product_code")
    # The model's own names: nothing from the file.
    lookup = (
        f"SELECT product_code, unit_id, import_job_id FROM {model.__tablename__} "  # noqa: S608
        "WHERE campaign_id = ? AND product_code IN ({})"
    )

    def found_codes(codes: list[str], campaign_id: int) -> list[tuple]:
        """(code, unit, job id, job's file name) of the codes the campaign has already."""
        connection = db.session.connection()
        if connection.dialect.name == "sqlite":
            # A thousand codes as parameters, without SQLAlchemy's compiling of each batch
            # (half the time of the query).
            marks = ", ".join("?" * len(codes))
            rows = connection.exec_driver_sql(lookup.format(marks), (campaign_id, *codes))
            return [(code, unit_id, *_job(job_id)) for code, unit_id, job_id in rows]
        return list(
            db.session.execute(
                select(model.product_code, model.unit_id, ImportJob.id, ImportJob.file_name)
                .outerjoin(ImportJob, ImportJob.id == model.import_job_id)
                .where(
                    model.campaign_id == campaign_id,
                    # PostgreSQL: literal values, so that each batch is planned afresh. A
                    # prepared statement's generic plan, made while the table was small,
                    # would scan it whole with a thousand parameters compared on every row.
                    model.product_code.in_(bindparam("codes", codes, literal_execute=True)),
                )
            )
        )

    def check_batch(batch, context: ImportContext) -> list[tuple[int, str, str]]:
        """Codes this campaign already has in the table (from another file): one query."""
        rows_of = {value[code_at]: row for row, value in batch}
        state = context.state
        found = found_codes(list(rows_of), state["campaign_id"])
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


def _job(job_id: int | None) -> tuple[int | None, str | None]:
    """(id, file name) of the job, (None, None) if there is none (as an outer join)."""
    job = db.session.get(ImportJob, job_id) if job_id is not None else None
    return (job.id, job.file_name) if job is not None else (None, None)


def _write_batch(table: SalesTable):
    target = table.model.__table__
    columns = row_columns(table)
    # The model's own table and column names: nothing from the file.
    insert_sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        target.name, ", ".join(columns), ", ".join("?" * len(columns))
    )

    def write_batch(values: list[tuple], context: ImportContext) -> None:
        """The batch in one COPY (PostgreSQL with psycopg) or one executemany INSERT (SQLite
        takes the values as SQLAlchemy would bind them: ISO dates, float amounts; another
        database: through SQLAlchemy). The import is audited as a whole."""
        connection = db.session.connection()
        dialect = connection.dialect
        if dialect.name == "postgresql" and dialect.driver == "psycopg":
            copy_rows(connection, target, columns, values)
        elif dialect.name == "sqlite":
            connection.exec_driver_sql(insert_sql, values)
        else:
            db.session.execute(insert(target), [_typed(table, columns, row) for row in values])

    return write_batch


def _write_spool(table: SalesTable, write_batch):
    target = table.model.__table__

    def write_spool(spool, context: ImportContext, progress) -> int:
        """The validated rows into the table: copied by the database itself (SQLite), or
        batch by batch with ``write_batch``."""
        connection = db.session.connection()
        return spools.insert_into(
            spool, target, connection, lambda values: write_batch(values, context), progress
        )

    return write_spool


def _typed(table: SalesTable, columns: tuple[str, ...], row: tuple) -> dict:
    """A validated row as the model's Python values."""
    values = dict(zip(columns, row, strict=True))
    if "price" in values:
        values["price"] = Decimal(repr(values["price"])).quantize(_CENT)
    values[table.date_key] = date.fromisoformat(values[table.date_key])
    return values


_CENT = Decimal("0.01")


def copy_rows(connection, target, columns, rows) -> None:
    """Rows (tuples in ``columns``' order) into ``target`` with PostgreSQL's COPY, inside the
    session's transaction: three times the rate of an executemany INSERT (16 000 against
    4 700 rows a second measured on 附表3-6), the foreign-key checks included."""
    import psycopg
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(target.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    try:
        with (
            connection.connection.driver_connection.cursor() as cursor,
            cursor.copy(statement) as copy,
        ):
            for row in rows:
                copy.write_row(row)
    except psycopg.errors.IntegrityError as exc:
        # As SQLAlchemy would raise it: the import machinery explains a taken unique key.
        raise IntegrityError(statement.as_string(None), None, exc) from exc


# -- the confirmation page's preview ------------------------------------------------------------


def _text(value) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _preview(table: SalesTable):
    columns = row_columns(table)
    shown_at = [columns.index(f.key) for f in table.fields]
    if table.key != "consumer_sales":
        return lambda value: [_text(value[at]) for at in shown_at]
    keys = [f.key for f in table.fields]

    def preview(value: tuple) -> list[str]:
        """Personal data masked: the preview is kept with the job, seen by the province."""
        values = dict(zip(columns, value, strict=True))
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
        return [_text(shown[k]) for k in keys]

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
    write_batch = _write_batch(table)
    validate_texts, validate_batch = validators(table)
    keys = [f.key for f in table.fields]
    return ImportKind(
        name=table.kind,
        label=table.label,
        columns=tuple(Column(f.key, f.header, required=f.column_required) for f in table.fields),
        validate_row=lambda row, context: validate_texts(tuple(row[k] for k in keys), context),
        validate_texts=validate_texts,
        validate_batch=validate_batch,
        write_batch=write_batch,
        check_batch=_check_batch(table) if table.has_product_codes else _no_check,
        spool_columns=row_columns(table),
        spool_unique=("product_code", repeated_code) if table.has_product_codes else None,
        recheck_spool=_recheck_spool(table),
        write_spool=_write_spool(table, write_batch),
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
