"""Reading and editing the reminder policy of each deadline kind."""

from __future__ import annotations

from collections.abc import Sequence

from ..core import access
from ..core.access import Permission
from ..extensions import db
from . import rules
from .defaults import KINDS, DeadlineKind
from .models import ReminderPolicy


def deadline_kinds() -> dict[str, DeadlineKind]:
    """The deadline kinds the engine knows, in their declared order."""
    return KINDS


def policy_row(kind: str) -> ReminderPolicy:
    """The stored policy of ``kind``, or (not yet stored) one filled from the kind's defaults.

    KeyError for a kind the engine does not know.
    """
    row = db.session.get(ReminderPolicy, kind)
    if row is not None:
        return row
    default = deadline_kinds()[kind]
    return ReminderPolicy(
        kind=kind,
        offsets=list(default.policy.offsets),
        offset_unit=default.policy.offset_unit,
        on_due_day=default.policy.on_due_day,
        overdue_every=default.policy.overdue_every,
        recipients=list(default.recipients),
        enabled=True,
    )


def as_rule(row: ReminderPolicy) -> rules.Policy:
    """The pure policy the stage rules compute with (the engine's conversion)."""
    from .service import rule_policy  # the engine's (imported late: it reaches every source)

    return rule_policy(row, row.kind)


def may_edit(user) -> bool:
    """Policies apply nationwide: only administrators at the ministry (holding
    MANAGE_REMINDERS) change them; a province's administrator reads them."""
    return access.can(user, Permission.MANAGE_REMINDERS) and access.sees_everything(user)


def save_policy(
    kind: str,
    *,
    offsets: Sequence[int],
    offset_unit: str,
    on_due_day: bool,
    overdue_every: int,
    recipients: Sequence[str],
    enabled: bool,
) -> ReminderPolicy:
    """Store the policy of ``kind`` (audited: ReminderPolicy is). Inputs are validated by the
    form; the order of offsets and recipients is normalised here."""
    if kind not in deadline_kinds():
        raise KeyError(kind)
    row = db.session.get(ReminderPolicy, kind)
    if row is None:
        row = ReminderPolicy(kind=kind)
        db.session.add(row)
    row.offsets = sorted({int(n) for n in offsets}, reverse=True)
    row.offset_unit = offset_unit
    row.on_due_day = on_due_day
    row.overdue_every = overdue_every
    row.recipients = [r for r in rules.RECIPIENT_ROLES if r in set(recipients)]
    row.enabled = enabled
    db.session.flush()
    return row
