"""Deadlines and their reminders: the services other parts call.

- policies: ``seed_policies``, ``policy_of``, ``rule_policy``;
- deadlines: ``refresh_deadlines`` (from every source, see ``sources``);
- who is told: ``recipients``, ``delivery_of``;
- sending: ``send_due(now=…)`` → ``SendResult`` (the CLI command and the scheduler job are
  thin wrappers around it, so tests drive time by passing ``now``; it commits as it goes,
  see ``delivery``). It reads only the deadlines whose next stage has come, and refreshes
  them from their sources only after a change to a source or on a new day (``schedule``,
  ``changes``; ``mark_changed`` for writes SQLAlchemy does not see, such as ``COPY``);
- "why was X not reminded?": ``explain(deadline, now=…)`` → ``RecipientExplanation`` list.

The work is split over ``deadlines``, ``schedule``, ``delivery`` and ``explaining``; this
module names it.
"""

from __future__ import annotations

from .changes import mark_changed
from .deadlines import (
    Directory,
    delivery_of,
    local_date,
    local_time,
    policy_of,
    recipients,
    refresh_deadlines,
    rule_policy,
    seed_policies,
)
from .defaults import KINDS, RECIPIENT_LABELS
from .delivery import SendResult, send_due, sendable
from .explaining import RecipientExplanation, explain
from .mailer import headline, sentence, stage_label

__all__ = [
    "KINDS",
    "RECIPIENT_LABELS",
    "Directory",
    "RecipientExplanation",
    "SendResult",
    "delivery_of",
    "explain",
    "headline",
    "local_date",
    "local_time",
    "mark_changed",
    "policy_of",
    "recipients",
    "refresh_deadlines",
    "rule_policy",
    "seed_policies",
    "send_due",
    "sendable",
    "sentence",
    "stage_label",
]
