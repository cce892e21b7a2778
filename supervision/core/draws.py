"""What every witnessed draw shares (verification samples, review committees, third-party
checks, and the daily-supervision draws to come): its seed, typed by a witness at a public draw
or made fresh, and checked the same way everywhere."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from . import sampling
from .errors import DomainError

#: The longest seed a user may type (the stored column holds 64).
SEED_MAX = 64


def clean_seed(seed: str | None) -> str:
    """The seed to draw with: the one typed (trimmed), or a fresh one when none was typed.

    A typed seed is printable text without spaces, so that it reads back unambiguously from a
    page or a printed record and the draw can be redone from it."""
    text = (seed or "").strip()
    if not text:
        return sampling.new_seed()
    if len(text) > SEED_MAX or any(c.isspace() for c in text) or not text.isprintable():
        raise DomainError(
            _l("随机种子须为不超过 %(n)s 个字符、不含空格的文字。", n=SEED_MAX), "seed"
        )
    return text
