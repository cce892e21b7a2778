"""Pure rules for the organisation tree: which kinds nest where, division codes."""

import re

KIND_PARENTS: dict[str, frozenset[str]] = {
    "ministry": frozenset(),
    "province": frozenset({"ministry"}),
    "plan_city": frozenset({"province"}),
    "city": frozenset({"province", "plan_city"}),
    "county": frozenset({"city", "plan_city"}),
}

#: Kinds a provincial officer may create below his own organisation.
AGENCY_KINDS = ("city", "county")

#: 新疆生产建设兵团 (not in GB/T 2260; see reference.py).
XPCC_CODE = "660000"

_DIVISION = re.compile(r"[0-9]{6}")  # ASCII digits; fullmatch: no trailing newline


def may_nest(kind: str, parent_kind: str) -> bool:
    """Whether an organisation of ``kind`` may sit directly below one of ``parent_kind``."""
    return parent_kind in KIND_PARENTS.get(kind, frozenset())


def division_code_problem(code: str, parent_code: str | None) -> str | None:
    """Why ``code`` is not an acceptable GB/T 2260 code below ``parent_code`` (None: fine).

    A city or county lies in its province: the first two digits agree; a county also lies
    in its city: the first four agree unless the parent is a province-level unit. Codes:
    ``format``, ``outside_parent``, ``same_as_parent`` (a province's own code below it).
    """
    if not _DIVISION.fullmatch(code or ""):
        return "format"
    if parent_code is None:
        return None
    if parent_code == XPCC_CODE:
        # The Corps' divisions and cities carry Xinjiang (65) codes.
        return None if code[:2] in {"65", "66"} else "outside_parent"
    if parent_code.endswith("0000"):
        if code == parent_code:  # that is the province itself, not a place in it
            return "same_as_parent"
        return None if code[:2] == parent_code[:2] else "outside_parent"
    if parent_code.endswith("00"):
        return None if code[:4] == parent_code[:4] else "outside_parent"
    return None if code[:6] == parent_code[:6] else "outside_parent"
