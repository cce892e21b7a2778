"""Walking the app for its forms, and filling them as a browser would: the pages of the
walk of ``tests/test_access.py`` and of the scenes opened by every role allowed there, each
``<form method="post">`` noted with the page that shows it, the route it posts to and the
button that sends it."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import url_for
from lxml import html as lxml_html
from test_access import build, is_api, walkable_rules
from werkzeug.datastructures import MultiDict

from conftest import World, login
from supervision.core.access import PUBLIC, access_of, permitted
from supervision.extensions import db

#: Who opens the pages, first to last: the first who sees a form is the one who sends it.
ACTORS = ("a_inspector", "a_officer", "a_admin", "ministry_officer", "ministry_admin", "expert")
ANONYMOUS = "anonymous"

TEXT_INPUTS = {"text", "search", "email", "tel", "url", "password"}
TYPED_INPUTS = {"number", "date", "month", "week", "time", "datetime-local"}

#: What a user types into a blank number or date field the kind does not aim at.
PLAUSIBLE = {
    "number": "1",
    "date": "2020-10-10",
    "month": "2020-10",
    "week": "2020-W41",
    "time": "09:00",
    "datetime-local": "2020-10-10T09:00",
}

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"


@dataclass(frozen=True)
class ScenePage:
    """A page to open (``values`` beyond the route's own become its query string), by
    ``actor`` only or, when None, by every walking actor allowed there."""

    endpoint: str
    values: tuple[tuple[str, object], ...]
    actor: str | None = None


def page(endpoint: str, actor: str | None = None, **values) -> ScenePage:
    return ScenePage(endpoint, tuple(sorted(values.items())), actor)


@dataclass(frozen=True)
class Page:
    """A GET route opened by one actor: with the walk's samples, or with a scene's values
    (each test builds the same world, so the URL is rebuilt from each test's world)."""

    actor: str
    endpoint: str
    values: tuple[tuple[str, object], ...] | None = None


@dataclass(frozen=True)
class FormSite:
    """A form as found: the page showing it, the endpoint it posts to and its fields."""

    page: Page
    target: str
    fields: tuple[str, ...]
    #: The submit button pressed (its position in the form).
    button: int

    def __str__(self) -> str:
        return f"{self.target} (on {self.page.endpoint} as {self.page.actor})"


@dataclass
class Discovery:
    forms: list[FormSite] = field(default_factory=list)
    #: Every page that answered with HTML, once (the first actor to see it).
    pages: list[Page] = field(default_factory=list)
    downloads: list[Page] = field(default_factory=list)


# -- walking ---------------------------------------------------------------------------


class Walker:
    """One logged-in client per actor over the world of one test."""

    def __init__(self, app, world: World):
        self.app, self.world = app, world
        self.clients: dict[str, object] = {}
        self.adapter = app.url_map.bind("localhost")

    def client(self, actor: str):
        if actor not in self.clients:
            client = self.app.test_client()
            if actor != ANONYMOUS:
                login(client, getattr(self.world, actor).username)
            self.clients[actor] = client
        return self.clients[actor]

    def url(self, page: Page) -> str:
        if page.values is not None:
            with self.app.test_request_context():
                return url_for(page.endpoint, **dict(page.values))
        rule = next(r for r in self.app.url_map.iter_rules() if r.endpoint == page.endpoint)
        return build(self.app, rule, self.world)[0]

    def get(self, page: Page):
        return self.client(page.actor).get(self.url(page))

    def target_of(self, action: str) -> str | None:
        try:
            return self.adapter.match(urlsplit(action).path, method="POST")[0]
        except Exception:  # noqa: BLE001 - a form posting nowhere is reported by the caller
            return None


def page_routes(app):
    return [
        r
        for r in walkable_rules(app)
        if "GET" in r.methods and not is_api(r) and r.endpoint != "auth.logout"
    ]


def discover(app, world: World, scene_pages: list[ScenePage]) -> Discovery:
    """Open every page as every actor allowed there, then the scenes' pages; note forms,
    pages and downloads."""
    walker = Walker(app, world)
    found = Discovery()
    signatures, pages_seen, broken = set(), set(), []
    pages = []
    for rule in page_routes(app):
        pages += [Page(actor, rule.endpoint) for actor in actors_of(app, world, rule.endpoint)]
    for shown in scene_pages:
        actors = [shown.actor] if shown.actor else actors_of(app, world, shown.endpoint)
        pages += [Page(actor, shown.endpoint, shown.values) for actor in actors]
    for page in pages:
        url = walker.url(page)
        response = walker.client(page.actor).get(url)
        if response.status_code != 200:
            continue
        if response.mimetype in (XLSX, CSV):
            if page.endpoint not in {p.endpoint for p in found.downloads}:
                found.downloads.append(page)
            continue
        if response.mimetype != "text/html":
            continue
        if (page.endpoint, page.values) not in pages_seen:
            pages_seen.add((page.endpoint, page.values))
            found.pages.append(page)
        for form in post_forms(response, url):
            names = field_names(form)
            for action, button in submissions(form, url):
                target = walker.target_of(action)
                if target is None:
                    broken.append(f"{page.endpoint} as {page.actor}: posts to {action}")
                elif (target, names, button) not in signatures:
                    signatures.add((target, names, button))
                    found.forms.append(FormSite(page, target, names, button))
    assert not broken, "forms posting to no POST route:\n" + "\n".join(broken)
    return found


def actors_of(app, world: World, endpoint: str) -> list[str]:
    """The walking actors allowed on ``endpoint`` (and the anonymous visitor on a public one)."""
    with app.test_request_context():
        access = access_of(endpoint)
        actors = [a for a in ACTORS if permitted(db.session.merge(getattr(world, a)), access)]
    return [*actors, ANONYMOUS] if access == PUBLIC else actors


def post_forms(response, url: str):
    doc = lxml_html.fromstring(response.get_data(as_text=True), base_url=f"http://localhost{url}")
    return [f for f in doc.forms if (f.method or "GET").upper() == "POST"]


def disabled(element) -> bool:
    """Disabled itself or inside a disabled fieldset (a form shown read-only)."""
    return element.get("disabled") is not None or bool(
        element.xpath("ancestor::fieldset[@disabled]")
    )


def field_names(form) -> tuple[str, ...]:
    return tuple(sorted({i.name for i in form.inputs if i.name and not disabled(i)}))


def buttons(form) -> list:
    return [
        b
        for b in form.xpath(".//button | .//input[@type='submit']")
        if (b.get("type") or "submit").lower() == "submit"
    ]


def submissions(form, page_url: str) -> list[tuple[str, int]]:
    """Each way to send the form: a button, to its ``formaction`` or the form's action. A
    form without a button it can be sent with is shown read-only."""
    return [
        (b.get("formaction") or form.action or page_url, n)
        for n, b in enumerate(buttons(form))
        if not disabled(b)
    ]


# -- filling ---------------------------------------------------------------------------


def field_kind(element) -> str | None:
    tag = element.tag
    if tag == "textarea":
        return "text"
    if tag == "select":
        return "select"
    kind = (element.get("type") or "text").lower()
    if kind in TEXT_INPUTS:
        return "text"
    if kind in TYPED_INPUTS:
        return "typed"
    if kind == "hidden":
        return "csrf" if element.name == "csrf_token" else "hidden"
    if kind in ("checkbox", "radio"):
        return "check"
    return None  # file, submit, button, image, reset


def aimed_fields(form, targets) -> list[str]:
    """The names of the fields of the kinds ``targets`` ("text", "typed", "hidden", …)."""
    names = []
    for element in form.inputs:
        if element.name and not disabled(element):
            if field_kind(element) in targets and element.name not in names:
                names.append(element.name)
    return names


def fill(form, hostile: dict[str, str], *, button: int | None) -> MultiDict:
    """The form's data as a browser sends it, with ``hostile`` values for the named fields.

    A number or date left blank and a choice left at its placeholder are filled in as a user
    would, so that the hostile values reach as far into the app as the form lets them.
    """
    data = MultiDict()
    for element in form.inputs:
        name = element.name
        if not name or disabled(element):
            continue
        kind = field_kind(element)
        if name in hostile and kind != "check":
            data.add(name, hostile[name])
        elif kind == "check":
            if element.checked:
                data.add(name, element.get("value", "on"))
        elif kind == "select":
            if element.multiple:
                for value in element.value:
                    data.add(name, value)
            else:
                chosen = element.value or next((v for v in element.value_options if v), "")
                data.add(name, chosen)
        elif kind == "typed":
            data.add(name, element.value or PLAUSIBLE[element.get("type").lower()])
        elif kind is not None:
            data.add(name, element.value or "")
    if button is not None:
        pressed = buttons(form)[button]
        if pressed.get("name"):
            data.add(pressed.get("name"), pressed.get("value", ""))
    return data
