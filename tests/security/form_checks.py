"""Sending a form with hostile values and judging the answer; reading every page and download
again afterwards; putting the world back as it was."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml import html as lxml_html
from openpyxl import load_workbook
from security.form_walk import (
    CSV,
    XLSX,
    Discovery,
    FormSite,
    Walker,
    aimed_fields,
    field_names,
    fill,
    post_forms,
    submissions,
)
from sqlalchemy import Integer, text

from conftest import _empty_tables
from supervision.extensions import db


@dataclass(frozen=True)
class Kind:
    name: str
    value: str
    #: Which fields get the value: "text" (text inputs and text areas), "typed" (number and
    #: date inputs), "hidden" (hidden inputs other than the CSRF token), "select" (choices).
    targets: frozenset[str]
    #: Whether the app's error page (a 4xx with its Chinese message) is an answer: for what
    #: no form shows (a hidden field edited by hand), not for what a user typed.
    error_page: bool = False


#: Forms sent without pressing their buttons: the language switch's buttons change the
#: walking user's interface language (its hostile part is the hidden ``next``).
WITHOUT_BUTTON = {"auth.language"}

#: Messages the app shows beside a field or above a form.
ERROR_CLASSES = ("invalid-feedback", "alert-danger", "alert-warning")
HAN = re.compile(r"[\u4e00-\u9fff]")

#: Downloads of files kept as they were sent, never built again (the walk's sample of a
#: submission keeps placeholder bytes): a formula typed later cannot be in them.
KEPT_FILES = {"tasks.snapshot"}


# -- judging ---------------------------------------------------------------------------


def messages(doc) -> list[str]:
    found = []
    for css in ERROR_CLASSES:
        for element in doc.find_class(css):
            text = element.text_content().strip()
            if text:
                found.append(text)
    return found


def invalid_fields(doc) -> set[str]:
    """Names of the fields shown with an error (Bootstrap's ``is-invalid``)."""
    names = set()
    for element in doc.find_class("is-invalid"):
        if element.get("name"):
            names.add(element.get("name"))
    for fieldset in doc.xpath("//fieldset[.//*[contains(@class, 'is-invalid')]]"):
        names.update(i.get("name") for i in fieldset.xpath(".//input[@name]"))
    return names


def shows_script(body: str) -> bool:
    return "<script>alert(1)" in body


@dataclass
class Outcome:
    problems: list[str] = field(default_factory=list)
    #: Submissions that were kept.
    stored: int = 0
    #: Pages showing the stored script escaped, downloads carrying the formula as text.
    evidence: int = 0


def find(walker: Walker, site: FormSite):
    """The form on its page now, with the address it is sent to (None once it is gone)."""
    url = walker.url(site.page)
    page = walker.client(site.page.actor).get(url)
    if page.status_code != 200 or page.mimetype != "text/html":
        return None
    sent = [
        (form, action)
        for form in post_forms(page, url)
        if field_names(form) == site.fields
        for action, button in submissions(form, url)
        if button == site.button and walker.target_of(action) == site.target
    ]
    return sent[0] if sent else None


def send(walker: Walker, site: FormSite, kind: Kind, outcome: Outcome) -> bool:
    """Send the form with the hostile values; put refused fields back and send again.

    False if the form is not on its page (an earlier submission may have taken it away).
    """
    found = find(walker, site)
    if found is None:
        return False
    client = walker.client(site.page.actor)
    form, action = found
    aimed = aimed_fields(form, kind.targets)
    action = urlsplit(action)
    action = action.path + (f"?{action.query}" if action.query else "")
    button = None if site.target in WITHOUT_BUTTON else site.button
    while aimed:
        data = fill(form, dict.fromkeys(aimed, kind.value), button=button)
        context = f"{kind.name}: {site} fields {', '.join(aimed)}"
        try:
            response = client.post(action, data=data)
        except Exception as error:  # noqa: BLE001 - the test client re-raises a view's error
            outcome.problems.append(f"{context} → server error {error!r}"[:2000])
            return True
        status = response.status_code
        if status in (302, 303):
            try:
                after = client.get(response.headers["Location"])
            except Exception as error:  # noqa: BLE001
                outcome.problems.append(f"{context} → page after saving: {error!r}"[:2000])
                return True
            if after.status_code >= 400:
                outcome.problems.append(f"{context} → redirect to a {after.status_code}")
            elif after.mimetype == "text/html" and shows_script(after.get_data(as_text=True)):
                outcome.problems.append(f"{context} → script shown as markup after saving")
            outcome.stored += 1
            return True
        body = response.get_data(as_text=True)
        if kind.error_page and status in (400, 404, 409) and HAN.search(body):
            return True
        if status not in (200, 422) or response.mimetype != "text/html":
            outcome.problems.append(f"{context} → {status} {response.mimetype}")
            return True
        if shows_script(body):
            outcome.problems.append(f"{context} → script echoed as markup")
        doc = lxml_html.fromstring(body)
        said = messages(doc)
        if not said:
            # 200: the page again with what was asked (a deadline worked out, a preview).
            if status == 422:
                outcome.problems.append(f"{context} → the form again without a message")
            return True
        english = [m for m in said if not HAN.search(m)]
        if english:
            outcome.problems.append(f"{context} → message not in Chinese: {english[:3]}")
        refused = invalid_fields(doc) & set(aimed)
        if not refused:
            return True  # refused as a whole (a message above the form)
        aimed = [name for name in aimed if name not in refused]
    return True


def send_all(walker: Walker, sites: list[FormSite], kind: Kind, outcome: Outcome) -> list:
    """Send every form; the forms no longer on their page are returned."""
    return [site for site in sites if not send(walker, site, kind, outcome)]


# -- checks after the kind's submissions -------------------------------------------------


def script_shown_as_markup(walker: Walker, found: Discovery) -> tuple[list[str], int]:
    problems, escaped = [], 0
    for page in found.pages:
        try:
            response = walker.get(page)
        except Exception as error:  # noqa: BLE001
            problems.append(f"{page.endpoint} as {page.actor} → {error!r}")
            continue
        body = response.get_data(as_text=True)
        if shows_script(body):
            problems.append(f"{page.endpoint} as {page.actor} shows the script as markup")
        escaped += "&lt;script&gt;alert(1)" in body
    return problems, escaped


def formulas_in_downloads(walker: Walker, found: Discovery) -> tuple[list[str], int]:
    problems, carried = [], 0
    for page in found.downloads:
        if page.endpoint in KEPT_FILES:
            continue
        context = f"{page.endpoint} as {page.actor}"
        try:
            response = walker.get(page)
        except Exception as error:  # noqa: BLE001
            problems.append(f"{context} → {error!r}")
            continue
        if response.mimetype == XLSX:
            if not zipfile.is_zipfile(io.BytesIO(response.get_data())):
                problems.append(f"{context}: not a workbook")
                continue
            book = load_workbook(io.BytesIO(response.get_data()))
            for sheet in book.worksheets:
                for row in sheet.iter_rows():
                    for cell in row:
                        if isinstance(cell.value, str) and "cmd|" in cell.value:
                            carried += 1
                            if cell.data_type == "f":
                                problems.append(f"{context}: {sheet.title}!{cell.coordinate}")
        elif response.mimetype == CSV:
            text = response.get_data().decode("utf-8-sig", "replace")
            for row in csv.reader(io.StringIO(text)):
                for cell in row:
                    if "cmd|" in cell:
                        carried += 1
                        if cell.startswith("="):
                            problems.append(f"{context}: CSV cell {cell[:30]!r}")
    return problems, carried


# -- the tests -------------------------------------------------------------------------


class Snapshot:
    """Every table's rows, to put the world back as it was (on SQLite and PostgreSQL)."""

    def __init__(self):
        db.session.commit()
        with db.engine.connect() as conn:
            self.rows = {
                table: [dict(row) for row in conn.execute(table.select()).mappings()]
                for table in db.metadata.sorted_tables
            }

    def restore(self) -> None:
        db.session.commit()
        _empty_tables()
        with db.engine.begin() as conn:
            for table, rows in self.rows.items():
                if rows:
                    conn.execute(table.insert(), rows)
            if conn.dialect.name == "postgresql":
                for table in self.rows:
                    keys = list(table.primary_key.columns)
                    if len(keys) != 1 or not isinstance(keys[0].type, Integer):
                        continue
                    if keys[0].autoincrement is not False:
                        key = keys[0]
                        conn.execute(
                            text(
                                f"SELECT setval(pg_get_serial_sequence('{table.name}', "
                                f"'{key.name}'), COALESCE(MAX({key.name}), 0) + 1, false) "
                                f"FROM {table.name}"
                            )
                        )
        db.session.expire_all()
