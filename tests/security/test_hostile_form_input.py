"""Every form of the app, submitted as an attacker would fill it.

The forms are found, not listed: every page of ``tests/test_access.py``'s walk is opened by
each role allowed there, then the pages of the scenes (``form_scenes.py``: the states in which
the other forms show), and every ``<form method="post">`` on them is sent once per button,
filled as rendered but for the fields the kind aims at:

- ``empty``: every text, number and date field blank;
- ``oversize``: 10 000 characters in every text field;
- ``wrong_type``: letters in every number and date field;
- ``tampered``: letters in every hidden field and every choice (a record's version, an id,
  an option no list offers);
- ``script``: an HTML-breaking ``<script>`` in every text field;
- ``formula``: a spreadsheet formula (``=cmd|…``) in every text field.

The answer must be the form again with a Chinese message, or a redirect (the value kept);
never a server error (a hidden field edited by hand may also get the app's error page). A
refused field is put back as rendered and the form sent again, so that the other fields'
hostile values are stored where the form allows it. After the script kind every page is read
again: the script is shown escaped, never as markup. After the formula kind every spreadsheet
and CSV download is read: the formula is kept as text, never as a formula.

A failure names the kind, the form (the route it posts to, the page and the role that showed
it) and the fields that held the hostile value.
"""

from __future__ import annotations

import pytest
from security import form_scenes, form_scenes_programmes
from security.form_checks import (
    Kind,
    Outcome,
    Snapshot,
    formulas_in_downloads,
    script_shown_as_markup,
    send_all,
)
from security.form_walk import Discovery, ScenePage, Walker, discover
from test_access import SAMPLES, is_api, walkable_rules

from conftest import World

SCRIPT = '"><script>alert(1)</script>'
FORMULA = "=cmd|' /C calc'!A0"
OVERSIZE = "长" * 10_000

KINDS = {
    k.name: k
    for k in (
        Kind("empty", "", frozenset({"text", "typed"})),
        Kind("oversize", OVERSIZE, frozenset({"text"})),
        Kind("wrong_type", "abc", frozenset({"typed"})),
        Kind("tampered", "abc", frozenset({"hidden", "select"}), error_page=True),
        Kind("script", SCRIPT, frozenset({"text"})),
        Kind("formula", FORMULA, frozenset({"text"})),
    )
}

#: Routes posted to by a bare button (the CSRF token and nothing else): nothing to type into.
NOT_FORMS = {
    "calendar.remove_day": "删除 beside a calendar day",
    "daily.open_cases": "派发检查 of a run draw",
    "followup.delete_suggestion": "删除 beside a suggestion",
    "followup.publish_excellent": "发布 of a selected excellent case",
    "imports.cancel": "放弃 of a checked import",
    "imports.confirm": "确认导入 of a checked import",
    "reviews.delete_candidate": "删除该申请单位",
}

#: The walk of the first test, with the scene pages it was made with.
_discovered: list[tuple[list, Discovery]] = []


def discovery(app, world: World, scene_pages: list[ScenePage]) -> Discovery:
    """The walk is made once per session: each test's world is built the same way."""
    if not _discovered:
        _discovered.append((scene_pages, discover(app, world, scene_pages)))
    made_with, found = _discovered[0]
    assert made_with == scene_pages, "the scenes built another world than the first test's"
    return found


@pytest.fixture
def walked(app, world):
    for sample in SAMPLES.values():
        sample(world)
    scenes = (*form_scenes.SCENES, *form_scenes_programmes.SCENES)
    scene_pages = [shown for scene in scenes for shown in scene(world)]
    found = discovery(app, world, scene_pages)
    return Walker(app, world), found, Snapshot()


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_form_survives_hostile_input(walked, kind):
    walker, found, snapshot = walked
    outcome = Outcome()
    vanished = send_all(walker, found.forms, KINDS[kind], outcome)
    check_stored(walker, found, kind, outcome)
    # A form an earlier one took away (a summary accepted with an empty comment takes away
    # the form to return it) is sent in the world as it was before the first.
    while vanished:
        snapshot.restore()
        stored = outcome.stored
        again = send_all(walker, vanished, KINDS[kind], outcome)
        assert again != vanished, f"forms no longer on their page: {[str(s) for s in again]}"
        if outcome.stored > stored:
            check_stored(walker, found, kind, outcome)
        vanished = again
    if kind == "script":
        assert outcome.evidence, "no page shows a stored script: the check proves nothing"
    if kind == "formula":
        assert outcome.evidence, "no download carries a stored formula: the check proves nothing"
    if kind not in ("wrong_type", "tampered"):
        assert outcome.stored, "no form kept anything"
    problems = outcome.problems
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def check_stored(walker: Walker, found: Discovery, kind: str, outcome: Outcome) -> None:
    """Every page after the script kind, every download after the formula kind."""
    if kind == "script":
        problems, evidence = script_shown_as_markup(walker, found)
    elif kind == "formula":
        problems, evidence = formulas_in_downloads(walker, found)
    else:
        return
    outcome.problems += problems
    outcome.evidence += evidence


def test_every_form_of_the_app_is_sent(app, walked):
    """The walk and the scenes reach every page-posting route but the bare buttons: a new
    form no page shows in the world above fails here until a scene shows it."""
    _walker, found, _snapshot = walked
    posting = {
        r.endpoint
        for r in walkable_rules(app)
        if "POST" in r.methods and not is_api(r) and r.endpoint not in NOT_FORMS
    }
    reached = {site.target for site in found.forms}
    assert not posting - reached, f"forms no page shows here: {sorted(posting - reached)}"
    typed = {
        s.target for s in found.forms if s.target in NOT_FORMS and set(s.fields) - {"csrf_token"}
    }
    assert not typed, f"these now take input: take them off NOT_FORMS: {sorted(typed)}"
