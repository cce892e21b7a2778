"""The national Annex workbook: 50 000 task rows and the summaries, with full official formatting.

The app: ``annexes.service.write_national_workbook`` for the 2020 plan of the national data
set, written to a file in the work folder (what ``flask annexes export --plan 2020`` and the
ministry's download do), read queries included.

The baseline: the same cells written with the same library and no formatting. One plain SQL
query reads the plan's task rows (with their province, enterprise, industry, agency and
inspectors); xlsxwriter in constant-memory mode writes, per province, the enterprise list
(same twelve columns), a summary of its counts by category and industry, and the national sheet
of per-province counts: no formats, no merges, no print set-up, no notes.
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime

from bench.measure import Context, Goal, Measurement, Result

PLAN_YEAR = 2020
#: The day printed as 汇总日期 (fixed, so that every run writes the same workbook).
NOW = datetime(2020, 3, 1, 9, 0, tzinfo=UTC)
LIST_HEADER = (
    "序号",
    "企业名称",
    "统一社会信用代码",
    "所在地区（行政区划代码）",
    "行业",
    "主要产品",
    "监察类别",
    "执行标准",
    "监察方式",
    "承担单位",
    "监察人员",
    "备注",
)
SUMMARY_HEADER = ("序号", "监察类别", "行业/领域", "企业数（家）", "其中：已停产（家）")
NATIONAL_HEADER = (
    "序号",
    "省（自治区、直辖市）",
    "一",
    "二",
    "三",
    "四",
    "五",
    "小计",
    "涉及企业",
    "已停产",
)

#: The baseline's one query: every task row of the plan in the workbook's order, one row per
#: inspector (names joined in Python), so that it stays plain SQL on SQLite and PostgreSQL.
TASK_ROWS = f"""
SELECT p.division_code, p.name, t.id, t.category, pt.category, e.name, e.credit_code,
       e.division_code, e.products, e.status, i.name, i.code, t.method, a.name, t.remarks,
       e.id, u.full_name
FROM supervision_tasks t
JOIN task_filings f ON f.id = t.filing_id
JOIN supervision_plans pl ON pl.id = f.plan_id
JOIN organisations p ON p.id = f.province_id
JOIN enterprises e ON e.id = t.enterprise_id
JOIN organisations a ON a.id = t.agency_id
LEFT JOIN supervision_tasks pt ON pt.id = t.parent_task_id
LEFT JOIN industries i ON i.id = COALESCE(t.industry_id, pt.industry_id, e.industry_id)
LEFT JOIN task_inspectors ti ON ti.task_id = t.id
LEFT JOIN users u ON u.id = ti.user_id
WHERE pl.year = {PLAN_YEAR}
ORDER BY p.division_code, t.category, COALESCE(pt.category, 0), COALESCE(i.sort_order, 9999),
         e.name, t.id, u.full_name
"""  # noqa: S608 -- a constant


def app_run(ctx: Context) -> Result:
    from supervision.annexes import service
    from supervision.extensions import db
    from supervision.plans import service as plans

    out = ctx.work / "annex-national-app.xlsx"
    app = ctx.app()
    with app.app_context():
        plan = plans.plan_for_year(PLAN_YEAR)
        if plan is None:
            raise LookupError(f"the data set has no {PLAN_YEAR} plan")
        started = time.perf_counter()
        written = service.write_national_workbook(plan, str(out), now=NOW)
        seconds = time.perf_counter() - started
        db.session.rollback()
    return Result(seconds=seconds, count=written, extra={"bytes": out.stat().st_size})


def baseline_run(ctx: Context) -> Result:
    from sqlalchemy import create_engine, text
    from xlsxwriter import Workbook

    from bench.dataset import engine_url

    # The app's own xlsxwriter options: only the work differs.
    from supervision.annexes.builder import WORKBOOK_OPTIONS

    out = ctx.work / "annex-national-baseline.xlsx"
    engine = create_engine(engine_url(ctx.database_url))
    started = time.perf_counter()
    book = Workbook(str(out), WORKBOOK_OPTIONS)
    national = book.add_worksheet("全国汇总")
    national.write_row(0, 0, (f"{PLAN_YEAR}年国家重大工业专项节能监察任务全国汇总表",))
    national.write_row(1, 0, NATIONAL_HEADER)
    written = 0
    provinces = 0
    with engine.connect() as connection:
        rows = connection.execution_options(stream_results=True, yield_per=2000).execute(
            text(TASK_ROWS)
        )
        sheets = None
        for task in _tasks(rows):
            province = task[1]
            if sheets is None or sheets.province != province:
                if sheets is not None:
                    provinces += 1
                    sheets.finish(national, provinces)
                sheets = _ProvinceSheets(book, province)
            sheets.add(task)
            written += 1
        if sheets is not None:
            provinces += 1
            sheets.finish(national, provinces)
    book.close()
    seconds = time.perf_counter() - started
    engine.dispose()
    return Result(seconds=seconds, count=written, extra={"bytes": out.stat().st_size})


def _tasks(rows):
    """One tuple per task: the query's row with the inspectors' names joined."""
    current, names = None, []
    for row in rows:
        if current is not None and row[2] != current[2]:
            yield (*current[:16], "、".join(names))
            names = []
        current = row
        if row[16]:
            names.append(row[16])
    if current is not None:
        yield (*current[:16], "、".join(names))


class _ProvinceSheets:
    """A province's enterprise list (rows as they come) and its summary (counted meanwhile)."""

    def __init__(self, book, province: str):
        self.province = province
        self.summary = book.add_worksheet(f"{province}-附件1")
        self.listing = book.add_worksheet(f"{province}-附件2")
        self.listing.write_row(0, 0, (f"{province}国家重大工业专项节能监察企业名单",))
        self.listing.write_row(1, 0, LIST_HEADER)
        self.row = 2
        self.by_category: Counter = Counter()
        self.by_industry: Counter = Counter()
        self.stopped: Counter = Counter()
        self.enterprises: set[int] = set()

    def add(self, task) -> None:
        (_code, _province, _id, category, parent, enterprise, credit_code, division, products,
         status, industry, industry_code, method, agency, remarks, enterprise_id,
         inspectors) = task  # fmt: skip
        self.listing.write_row(
            self.row,
            0,
            (
                self.row - 1,
                enterprise,
                credit_code,
                division,
                industry or "",
                products,
                f"{category}/{parent}" if parent else category,
                industry_code or "",
                method,
                agency,
                inspectors,
                remarks,
            ),
        )
        self.row += 1
        self.by_category[category] += 1
        self.by_industry[(category, industry)] += 1
        self.enterprises.add(enterprise_id)
        if status == "stopped":
            self.stopped[(category, industry)] += 1

    def finish(self, national, seq: int) -> None:
        tasks = self.row - 2
        self.listing.write_row(self.row, 0, ("合计", "", "", "", "", "", tasks))
        self.summary.write_row(0, 0, (f"{self.province}国家重大工业专项节能监察任务汇总表",))
        self.summary.write_row(1, 0, SUMMARY_HEADER)
        row = 2
        for (category, industry), count in sorted(
            self.by_industry.items(), key=lambda item: (item[0][0], item[0][1] or "")
        ):
            stopped = self.stopped.get((category, industry), 0)
            self.summary.write_row(row, 0, (row - 1, category, industry or "", count, stopped))
            row += 1
        self.summary.write_row(row, 0, ("合计", "", "", tasks, sum(self.stopped.values())))
        counts = [self.by_category.get(n, 0) for n in range(1, 6)]
        national.write_row(
            seq + 1,
            0,
            (
                seq,
                self.province,
                *counts,
                tasks - counts[2],
                len(self.enterprises),
                sum(self.stopped.values()),
            ),
        )


MEASUREMENTS = [
    Measurement(
        name="annex_national",
        title="national Annex workbook (50 000 task rows + summaries, full official formatting)",
        unit="rows/s",
        goal=Goal(
            kind="time",
            ratio=1.5,
            memory_mb=150,
            text="≤ 1.5 × baseline time; peak ≤ 150 MB",
        ),
        app=app_run,
        baseline=baseline_run,
        baseline_title="one SQL query + xlsxwriter, same cells, no formatting",
    )
]
