"""The draw of daily supervision (双随机, seed 004 §二), as pure rules: who may be drawn and why
not (``exclusions``), the inspector pairs and the spread of the enterprises over them with
recusal (``pairs``), the method and the outcome in words (``wording``). Everything is decided
by the seed and the inputs a run stores, so anyone can redo it."""

from .exclusions import (
    REASON_INSPECTED,
    REASON_SPECIAL,
    REASON_STOPPED,
    Candidate,
    Screened,
    exclusion_reasons,
    inspected_within,
    months_before,
    screen,
)
from .pairs import (
    Allocation,
    DrawRefused,
    DrawResult,
    Placement,
    Recusal,
    Relation,
    assign,
    draw,
    draw_pairs,
    inspector_seed,
)
from .wording import NO_TOP_UP, REASON_RECUSAL, TOP_UP, method_text, outcome_text

__all__ = [
    "NO_TOP_UP",
    "REASON_INSPECTED",
    "REASON_RECUSAL",
    "REASON_SPECIAL",
    "REASON_STOPPED",
    "TOP_UP",
    "Allocation",
    "Candidate",
    "DrawRefused",
    "DrawResult",
    "Placement",
    "Recusal",
    "Relation",
    "Screened",
    "assign",
    "draw",
    "draw_pairs",
    "exclusion_reasons",
    "inspected_within",
    "inspector_seed",
    "method_text",
    "months_before",
    "outcome_text",
    "screen",
]
