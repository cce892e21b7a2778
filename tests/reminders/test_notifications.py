"""The notification centre (one's own only), the unread count in the header, and the choice
between one mail per reminder and a daily digest."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from reminders_web_support import make_deadline, make_notification
from sqlalchemy import select

from conftest import World, login
from supervision.core.models import AuditEntry
from supervision.extensions import db
from supervision.reminders import notifications
from supervision.reminders.models import Delivery, Notification, ReminderPreference
from supervision.reminders.service import delivery_of

READ_AT = datetime(2020, 2, 16, 8, 0, tzinfo=UTC)


def text(response) -> str:
    return response.get_data(as_text=True)


def header_count(page: str) -> int | None:
    found = re.search(r'id="unread-count">(\d+)<', page)
    return int(found.group(1)) if found else None


@pytest.fixture
def inbox(world: World):
    """a-inspector: two unread (the newer second) and one read; a-officer: one unread."""
    old = make_notification(
        world.a_inspector, "旧提醒", created_at=datetime(2020, 2, 10, 1, tzinfo=UTC)
    )
    new = make_notification(
        world.a_inspector, "新提醒", created_at=datetime(2020, 2, 17, 1, tzinfo=UTC)
    )
    seen = make_notification(
        world.a_inspector,
        "已读提醒",
        read_at=READ_AT,
        created_at=datetime(2020, 2, 18, 1, tzinfo=UTC),
    )
    others = make_notification(world.a_officer, "别人的提醒")
    return old, new, seen, others


def is_read(notification_id: int) -> bool:
    db.session.expire_all()
    return db.session.get(Notification, notification_id).read_at is not None


# -- the functions ----------------------------------------------------------------------------


def test_unread_count_counts_only_ones_own_unread(world, inbox):
    assert notifications.unread_count(world.a_inspector) == 2
    assert notifications.unread_count(world.a_officer) == 1
    assert notifications.unread_count(world.b_officer) == 0


def test_notifications_of_lists_ones_own_unread_first(world, inbox):
    old, new, seen, _others = inbox
    stmt = notifications.notifications_of(world.a_inspector).order_by(
        Notification.created_at.desc()
    )
    assert [n.id for n in db.session.scalars(stmt)] == [new.id, old.id, seen.id]


def test_mark_read_changes_only_the_given_ids_of_ones_own(world, inbox):
    old, new, seen, others = inbox
    now = datetime(2020, 2, 20, 1, tzinfo=UTC)
    changed = notifications.mark_read(world.a_inspector, [old.id, others.id, seen.id], now=now)
    db.session.commit()
    assert changed == 1  # seen was read already; others is someone else's
    assert is_read(old.id) and not is_read(new.id) and not is_read(others.id)
    assert db.session.get(Notification, seen.id).read_at == READ_AT  # not re-stamped


def test_mark_read_without_ids_marks_all_of_ones_own(world, inbox):
    old, new, _seen, others = inbox
    assert notifications.mark_read(world.a_inspector, now=datetime(2020, 2, 20, tzinfo=UTC)) == 2
    db.session.commit()
    assert is_read(old.id) and is_read(new.id) and not is_read(others.id)
    assert (
        notifications.mark_read(world.a_inspector, [], now=datetime(2020, 2, 20, tzinfo=UTC)) == 0
    )


# -- the header -------------------------------------------------------------------------------


def test_the_header_shows_the_unread_count_on_every_page(client, world, inbox):
    login(client, world.a_inspector.username)
    for url in ("/", "/calendar/", "/reminders/preferences"):
        page = text(client.get(url))
        assert header_count(page) == 2, url
        assert 'href="/reminders/notifications"' in page
    login(client, world.b_officer.username)
    assert header_count(text(client.get("/"))) is None  # nothing unread: no badge


def test_the_header_has_no_bell_for_anonymous_visitors(client, world, inbox):
    page = text(client.get("/auth/login"))
    assert "unread-count" not in page and "/reminders/notifications" not in page


# -- the notification centre ------------------------------------------------------------------


def test_the_centre_lists_only_ones_own_unread_first_and_bold(client, world, inbox):
    login(client, world.a_inspector.username)
    page = text(client.get("/reminders/notifications"))
    assert "2 条未读" in page
    assert "别人的提醒" not in page
    assert page.index("新提醒") < page.index("旧提醒") < page.index("已读提醒")
    assert re.search(r'fw-bold">新提醒<', page)
    assert not re.search(r'fw-bold">已读提醒<', page)
    assert "全部标为已读" in page


def test_the_centre_is_paginated(client, world, app):
    for i in range(app.config["PAGE_SIZE"] + 2):
        make_notification(
            world.a_inspector, f"第{i:02d}条", created_at=datetime(2020, 3, 1, 0, i, tzinfo=UTC)
        )
    login(client, world.a_inspector.username)
    first = text(client.get("/reminders/notifications"))
    assert "第26条" in first and "第00条" not in first  # newest first
    second = text(client.get("/reminders/notifications?page=2"))
    assert "第00条" in second and "第01条" in second and "第26条" not in second


def test_marking_one_read_from_the_page(client, world, inbox):
    old, new, _seen, others = inbox
    login(client, world.a_inspector.username)
    response = client.post("/reminders/notifications/read", data={"ids": [old.id]})
    assert response.status_code == 302
    assert is_read(old.id) and not is_read(new.id)
    assert header_count(text(client.get("/"))) == 1


def test_another_persons_notification_cannot_be_marked_read(client, world, inbox):
    _old, _new, _seen, others = inbox
    login(client, world.a_inspector.username)
    client.post("/reminders/notifications/read", data={"ids": [others.id]})
    assert not is_read(others.id)


def test_marking_all_read(client, world, inbox):
    old, new, _seen, others = inbox
    login(client, world.a_inspector.username)
    response = client.post("/reminders/notifications/read", follow_redirects=True)
    assert "已将 2 条通知标为已读。" in text(response)
    assert is_read(old.id) and is_read(new.id) and not is_read(others.id)
    assert header_count(text(response)) is None


def test_a_garbled_id_is_refused(client, world, inbox):
    login(client, world.a_inspector.username)
    assert client.post("/reminders/notifications/read", data={"ids": ["x"]}).status_code == 400
    assert notifications.unread_count(world.a_inspector) == 2


def test_opening_a_notification_marks_it_read_and_goes_to_its_item(client, world, inbox):
    old, *_ = inbox
    login(client, world.a_inspector.username)
    response = client.post("/reminders/notifications/open", data={"notification_id": old.id})
    assert response.status_code == 302
    assert response.headers["Location"] == "/inspections/"
    assert is_read(old.id)


def test_opening_another_persons_notification_is_not_found(client, world, inbox):
    *_, others = inbox
    login(client, world.a_inspector.username)
    response = client.post("/reminders/notifications/open", data={"notification_id": others.id})
    assert response.status_code == 404
    assert not is_read(others.id)


@pytest.mark.parametrize("link", ["//evil.example/x", "https://evil.example/", "", "/\\evil"])
def test_a_notification_never_leads_off_the_site(client, world, link):
    deadline = make_deadline(
        due_on=date(2020, 2, 20), province=world.a_province, people=[world.a_inspector]
    )
    notification = make_notification(world.a_inspector, "外链", link=link, deadline=deadline)
    login(client, world.a_inspector.username)
    response = client.post(
        "/reminders/notifications/open", data={"notification_id": notification.id}
    )
    assert response.headers["Location"] == f"/reminders/deadlines/{deadline.id}"


def test_mark_read_needs_a_csrf_token(app, client, world, inbox):
    old, *_ = inbox
    login(client, world.a_inspector.username)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/reminders/notifications/read", data={"ids": [old.id]})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert not is_read(old.id)


# -- delivery preference ----------------------------------------------------------------------


def test_the_preference_page_shows_the_address_or_a_warning(client, world, make_user):
    from supervision.core.models import Role

    make_user("with-mail", Role.INSPECTOR, world.a_agency, email="zhang@example.cn")
    login(client, "with-mail")
    page = text(client.get("/reminders/preferences"))
    assert "zhang@example.cn" in page and "尚未填写电子邮箱" not in page
    assert re.search(r'value="each"[^>]*checked|checked[^>]*value="each"', page)
    login(client, world.a_inspector.username)  # no address
    page = text(client.get("/reminders/preferences"))
    assert "您的账号尚未填写电子邮箱" in page
    assert 'href="/auth/profile"' in page


def test_choosing_the_daily_digest_is_saved_and_audited(client, world):
    login(client, world.a_inspector.username)
    response = client.post("/reminders/preferences", data={"delivery": "digest"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ReminderPreference, world.a_inspector.id).delivery is Delivery.DIGEST
    assert delivery_of(world.a_inspector) is Delivery.DIGEST
    page = text(client.get("/reminders/preferences"))
    assert re.search(r'value="digest"[^>]*checked|checked[^>]*value="digest"', page)
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "reminder_preferences")
    ).one()
    assert entry.actor_id == world.a_inspector.id
    # and back: the same row changes
    client.post("/reminders/preferences", data={"delivery": "each"})
    db.session.expire_all()
    assert delivery_of(world.a_inspector) is Delivery.EACH
    assert db.session.scalars(select(ReminderPreference)).all()[0].delivery is Delivery.EACH


@pytest.mark.parametrize("value", ["", "weekly"])
def test_an_unknown_delivery_is_refused(client, world, value):
    login(client, world.a_inspector.username)
    response = client.post("/reminders/preferences", data={"delivery": value})
    assert response.status_code == 422
    assert db.session.get(ReminderPreference, world.a_inspector.id) is None
