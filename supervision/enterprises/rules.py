"""Pure rules for the enterprise registry: the unified social credit code (GB 32100-2015)."""

#: The 31 characters a credit code may use (no I, O, S, V, Z).
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: Weights of positions 1–17 (3^i mod 31).
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_character(first17: str) -> str:
    """The 18th character GB 32100-2015 computes for the first 17."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid credit code, or None.

    ``length`` (not 18 characters), ``characters`` (a character outside the code alphabet;
    lower case counts as outside: codes are written in capitals), ``check`` (the 18th
    character does not match the first 17).
    """
    if not isinstance(code, str) or len(code) != 18:
        return "length"
    if any(c not in CREDIT_CODE_ALPHABET for c in code):
        return "characters"
    if credit_code_check_character(code[:17]) != code[17]:
        return "check"
    return None


def is_valid_credit_code(code: str) -> bool:
    return credit_code_problem(code) is None


def normalise_credit_code(text: str) -> str:
    """What people type, as stored: surrounding and inner spaces dropped, upper case."""
    return "".join((text or "").split()).upper()


def province_prefix_matches(division_code: str, province_code: str) -> bool:
    """A division code lies in the province (first two digits; the Corps also uses 65)."""
    if province_code == "660000":
        return division_code[:2] in {"65", "66"}
    return division_code[:2] == province_code[:2]
