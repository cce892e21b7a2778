"""Helpers of the inspection and rectification journeys: finding a case in the inspector's
list, checking that an ECharts chart was really drawn, and a browser without an account."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Locator, Page, expect

#: The demo's 河南 inspector (洛阳市节能监察支队), assigned to every 河南 case (README.md).
INSPECTOR = "ha-inspector"
#: 河南's provincial officer: publishes violators.
OFFICER = "ha-officer"


def open_case(page: Page, enterprise: str, category: str) -> None:
    """From anywhere: 监察案件 in the menu, then the case of ``enterprise`` in ``category``
    (e.g. "专项监察二": an enterprise may have several cases)."""
    page.locator("nav.navbar").get_by_role("link", name="监察案件", exact=True).click()
    expect(page.get_by_role("heading", name="我的案件")).to_be_visible()
    row = page.locator("tbody tr").filter(has_text=enterprise).filter(has_text=category)
    expect(row).to_have_count(1)
    row.get_by_role("link", name=enterprise).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(enterprise)
    expect(page.get_by_role("heading", level=1)).to_contain_text(category)


def flash(page: Page) -> Locator:
    """The page's success message (the flash shown after a saved form)."""
    return page.locator(".alert-success")


def drawn_pixels(chart: Locator) -> int:
    """How many pixels of the chart's canvas are not transparent (0: nothing was drawn)."""
    canvas = chart.locator("canvas")
    expect(canvas).to_have_count(1)
    return canvas.evaluate(
        """canvas => {
            const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
            let drawn = 0;
            for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) { drawn += 1; } }
            return drawn;
        }"""
    )


@contextmanager
def anonymous_page(browser: Browser, base_url: str) -> Iterator[Page]:
    """A page in a fresh browser context that never logged in (a member of the public).
    Console errors, uncaught exceptions and same-origin 4xx/5xx answers fail the test."""
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1366, "height": 900}, base_url=base_url
    )
    problems: list[str] = []
    page = context.new_page()
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base_url))

    def on_response(response) -> None:
        if response.status >= 400 and response.url.startswith(origin):
            problems.append(f"HTTP {response.status} for {response.url}")

    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda error: problems.append(f"uncaught exception: {error}"))
    page.on("response", on_response)
    try:
        yield page
        page.evaluate("0")  # deliver the events the browser has already sent
        assert not problems, "the public page saw errors:\n  " + "\n  ".join(problems)
    finally:
        context.close()
