"""Two officers issuing rectification notices at the same moment, over real HTTP: each gets
his own number, and the agency's numbers run 1, 2, 3 … with no gap and no duplicate."""

from __future__ import annotations

import http.client
import threading
from collections import defaultdict
from urllib.parse import urlencode, urlsplit

from notices_support import Notices, notices  # noqa: F401
from sqlalchemy import select

from conftest import PASSWORD
from supervision.core.models import Role
from supervision.extensions import db
from supervision.rectification import rules
from supervision.rectification.models import RectificationNotice
from supervision.rectification.service import available_findings
from tests.api.live_server import serving

#: Rounds in which both officers issue at once: numbers counted on within one year …
SAME_YEAR_ROUNDS = 10
#: … and rounds that each start a new year, whose counter the two create at the same moment.
NEW_YEARS = (2021, 2022, 2023, 2024, 2025, 2026)


class Browser:
    """One officer's browser: its own session cookie, a new connection per request."""

    def __init__(self, base_url: str):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookie = ""

    def post(self, path: str, fields: dict) -> tuple[int, str]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(
                "POST",
                path,
                body=urlencode(fields, doseq=True),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": self.cookie,
                },
            )
            response = connection.getresponse()
            response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie" and value.startswith("session="):
                    self.cookie = value.split(";", 1)[0]
            return response.status, response.getheader("Location") or ""
        finally:
            connection.close()

    def login(self, username: str) -> None:
        status, _location = self.post(
            "/auth/login", {"username": username, "password": PASSWORD, "next": ""}
        )
        assert status == 302, status


def issue_form(case, served_on: str) -> dict:
    return {
        "finding_ids": [str(f.id) for f in available_findings(case)],
        "measures": "淘汰 Y 系列电机，更换为能效 2 级及以上产品",
        "basis": "date",
        "deadline_on": served_on[:4] + "-12-31",
        "served_on": served_on,
        "submit": "1",
    }


def at_once(browsers: list[Browser], requests: list[tuple[str, dict]]) -> list[tuple[int, str]]:
    """Each browser sends its request in a thread of its own, released at the same moment."""
    start = threading.Barrier(len(browsers))
    results: list = [None] * len(browsers)

    def send(n: int) -> None:
        start.wait()
        try:
            results[n] = browsers[n].post(*requests[n])
        except Exception as error:  # shown by the assertion below
            results[n] = error

    threads = [threading.Thread(target=send, args=(n,)) for n in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_two_officers_issuing_at_once_get_distinct_consecutive_numbers(
    app, notices: Notices, make_user
):
    world = notices.world
    colleague = make_user("a-officer-2", Role.PROVINCIAL_OFFICER, "320000", full_name="乙官员")
    served = ["2020-09-25"] * SAME_YEAR_ROUNDS + [f"{year}-01-05" for year in NEW_YEARS]
    rounds = [(notices.case(), notices.case(), on) for on in served]
    with serving(app) as url:
        browsers = [Browser(url), Browser(url)]
        browsers[0].login(world.a_officer.username)
        browsers[1].login(colleague.username)
        for first, second, on in rounds:
            results = at_once(
                browsers,
                [
                    (f"/rectification/cases/{first.id}/new", issue_form(first, on)),
                    (f"/rectification/cases/{second.id}/new", issue_form(second, on)),
                ],
            )
            for status, location in results:
                assert status == 302 and "/rectification/" in location, results

    issued = db.session.scalars(
        select(RectificationNotice).where(RectificationNotice.agency_id == world.a_agency.id)
    ).all()
    by_year = defaultdict(list)
    for notice in issued:
        by_year[notice.year].append(notice.sequence)
        assert notice.number == rules.notice_number(
            world.a_agency.name, notice.year, notice.sequence
        )
    assert {year: sorted(numbers) for year, numbers in by_year.items()} == {
        2020: list(range(1, 2 * SAME_YEAR_ROUNDS + 1)),
        **{year: [1, 2] for year in NEW_YEARS},
    }
    # One notice per case, each issued by the officer who sent it.
    assert sorted(n.case_id for n in issued) == sorted(c.id for r in rounds for c in r[:2])
    issuers = {n.case_id: n.issued_by_id for n in issued}
    assert {issuers[first.id] for first, _s, _on in rounds} == {world.a_officer.id}
    assert {issuers[second.id] for _f, second, _on in rounds} == {colleague.id}
