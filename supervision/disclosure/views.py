"""The public violator list (no login): the page and the feeds for the social-credit system.

The officers' pages are in ``manage_views``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from flask import Response, current_app, render_template, request, stream_with_context

from ..core.access import public
from ..core.tables import paginate
from ..core.types import utcnow
from . import bp, listing, rules
from .models import Publication

#: Query arguments the page passes on to the feed links (same filters, no paging).
FILTER_ARGS = ("q", "province", "year", "since")
#: Bytes gathered before a CSV chunk is sent.
CSV_CHUNK = 64 * 1024


def _filters() -> rules.Filters:
    return rules.parse_filters(request.args)


def _tz() -> str:
    return current_app.config["TIMEZONE"]


@bp.get("/")
@public
def index():
    """违规企业名单公布: published entries, searchable by name or credit code, province, year."""
    filters = _filters()
    pagination, sort = paginate(
        listing.public_query(filters, tz=_tz()),
        listing.SORT_COLUMNS,
        "-published_on",
        tiebreak=Publication.id.desc(),
    )
    return render_template(
        "disclosure/index.html",
        rows=[listing.public_row(entry) for entry in pagination.items],
        pagination=pagination,
        sort=sort,
        filters=filters,
        provinces=listing.public_provinces(),
        years=listing.public_years(),
        feed_args={k: v for k in FILTER_ARGS if (v := request.args.get(k, "").strip())},
    )


def _json_body(filters: rules.Filters) -> Iterator[str]:
    """The JSON document written as it is read: items first, the count once they are all out
    (so the count always equals the items sent)."""
    yield '{"generated_at":' + json.dumps(utcnow().isoformat(timespec="seconds")) + ',"items":['
    count = 0
    for record in listing.public_records(filters, tz=_tz()):
        item = json.dumps(rules.json_item(record), ensure_ascii=False, separators=(",", ":"))
        yield ("," if count else "") + item
        count += 1
    yield '],"count":' + str(count) + "}"


@bp.get("/feed.json")
@public
def feed_json():
    """The list as JSON: ``{"generated_at", "count", "items": [...]}``, same filters as the
    page plus ``since=YYYY-MM-DD``; fields not chosen for publication are null."""
    return Response(
        stream_with_context(_json_body(_filters())),
        mimetype="application/json",
        headers={"Cache-Control": "no-cache"},
    )


def _csv_body(filters: rules.Filters) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")  # Excel reads the file as UTF-8 only with the BOM
    writer.writerow(rules.FEED_FIELDS)
    for record in listing.public_records(filters, tz=_tz()):
        writer.writerow(rules.csv_row(record))
        if out.tell() >= CSV_CHUNK:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


@bp.get("/feed.csv")
@public
def feed_csv():
    """The list as CSV (UTF-8 with BOM, the JSON feed's columns; cells that a spreadsheet
    would take for a formula start with ')."""
    return Response(
        stream_with_context(_csv_body(_filters())),
        mimetype="text/csv",
        headers={
            "Content-Disposition": 'attachment; filename="violators.csv"',
            "Cache-Control": "no-cache",
        },
    )


from . import manage_views  # noqa: E402,F401  (the officers' pages register on the blueprint)
