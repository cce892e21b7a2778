"""Files with a notice (the enterprise's report, the 回头看): type-checked by content,
size-limited, kept under instance/evidence with random names like a case's evidence."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask_babel import lazy_gettext as _l

from ..core.errors import DomainError
from ..core.models import User
from ..extensions import db
from ..inspections.evidence import (
    ALLOWED_TYPES,
    INLINE_TYPES,
    folder,
    max_bytes,
    remove_file,
    sniff,
)
from .models import RectificationEvidence, RectificationNotice

__all__ = [
    "INLINE_TYPES",
    "STAGES",
    "Upload",
    "max_bytes",
    "path_of",
    "remove_file",
    "store_files",
]

CHUNK = 64 * 1024

#: Stage of the notice a file belongs to → how pages name it.
STAGES = {
    "report": _l("整改报告"),
    "reinspection": _l("复查（回头看）"),
}


@dataclass(frozen=True)
class Upload:
    """A file as received: its content and the name the browser sent (shown, never used)."""

    stream: BinaryIO
    filename: str


def path_of(item: RectificationEvidence) -> Path:
    return folder() / item.stored_name


def _clean_name(filename: str) -> str:
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if ord(c) >= 32 and c != "\x7f").strip()
    return name[-255:] or "evidence"


def _mb(limit: int) -> str:
    value = limit / (1024 * 1024)
    return f"{value:g}" if value >= 1 else f"{value:.2f}"


def _write(stream: BinaryIO, limit: int) -> tuple[str, str, int, str]:
    """Copy ``stream`` to a new random file: (stored name, type, size, sha256)."""
    stored_name = secrets.token_hex(16)
    target = folder() / stored_name
    partial = target.with_name(stored_name + ".part")
    digest = hashlib.sha256()
    size = 0
    content_type = None
    try:
        with partial.open("xb") as out:
            while chunk := stream.read(CHUNK):
                if content_type is None:
                    content_type = sniff(chunk[:16])
                    if content_type is None:
                        raise DomainError(
                            _l(
                                "只接受 %(types)s 格式的照片、扫描件或 PDF 文件（按文件内容判断，与扩展名无关）。",
                                types="、".join(ALLOWED_TYPES.values()),
                            ),
                            field="files",
                        )
                size += len(chunk)
                if size > limit:
                    raise DomainError(
                        _l("文件超过 %(mb)s MB 的上限，请压缩或拆分后再上传。", mb=_mb(limit)),
                        field="files",
                    )
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise DomainError(_l("文件是空的。"), field="files")
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return stored_name, content_type or "", size, digest.hexdigest()


def store_files(
    notice: RectificationNotice, uploads: Iterable[Upload], *, stage: str, actor: User
) -> list[RectificationEvidence]:
    """Keep the uploaded files with ``notice`` (the caller checked who may).

    All or none: a refused file removes the ones written before it. The caller commits, and
    removes the files with ``remove_file`` if the commit fails.
    """
    if stage not in STAGES:
        raise DomainError(_l("未知的材料环节。"), field="stage")
    limit = max_bytes()
    kept: list[RectificationEvidence] = []
    try:
        for upload in uploads:
            stored_name, content_type, size, sha256 = _write(upload.stream, limit)
            item = RectificationEvidence(
                notice=notice,
                stage=stage,
                filename=_clean_name(upload.filename),
                stored_name=stored_name,
                content_type=content_type,
                size=size,
                sha256=sha256,
                uploaded_by_id=actor.id,
            )
            db.session.add(item)
            kept.append(item)
        db.session.flush()
    except BaseException:
        # The caller rolls the rows back; the files written so far go now.
        for item in kept:
            remove_file(item.stored_name)
        raise
    return kept
