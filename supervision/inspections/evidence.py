"""Evidence files of a case: type-checked by content, size-limited, kept under instance/evidence."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..core.errors import DomainError
from ..core.models import User
from ..extensions import db
from .models import Evidence, InspectionCase
from .rules import checklist as checks
from .service import require_recorder

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
CHUNK = 64 * 1024

#: Detected type → what the refusal message calls it.
ALLOWED_TYPES = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "application/pdf": "PDF",
    "image/tiff": "TIFF",
    "image/heic": "HEIC",
}
#: Types a browser shows by itself (photos); everything else is downloaded.
INLINE_TYPES = frozenset({"image/jpeg", "image/png"})
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}


def sniff(head: bytes) -> str | None:
    """The content type the first bytes of a file show, if it is one we keep (else None).

    The name and the type the browser claims are ignored: a renamed file is what it is.
    """
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "image/tiff"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIC_BRANDS:
        return "image/heic"
    return None


def max_bytes() -> int:
    return int(current_app.config.get("EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def folder() -> Path:
    path = Path(current_app.instance_path) / "evidence"
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(evidence: Evidence) -> Path:
    return folder() / evidence.stored_name


def _clean_name(filename: str) -> str:
    """The user's file name without folders or control characters (shown, never used on disk)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if ord(c) >= 32 and c != "\x7f").strip()
    return name[-255:] or "evidence"


def _refuse_type() -> DomainError:
    allowed = "、".join(ALLOWED_TYPES.values())
    return DomainError(
        _l(
            "只接受 %(types)s 格式的照片、扫描件或 PDF 文件（按文件内容判断，与扩展名无关）。",
            types=allowed,
        ),
        field="file",
    )


def store_evidence(
    case: InspectionCase,
    stream: BinaryIO,
    filename: str,
    *,
    actor: User,
    description: str = "",
    check_item: str = "",
) -> Evidence:
    """Keep an uploaded file with the case; refuses other types, empty and oversized files.

    The file is written before the row is flushed; the caller commits, and removes the file
    with ``remove_file`` if the commit fails.
    """
    require_recorder(case, actor)
    if check_item and check_item not in checks.BY_KEY:
        raise DomainError(_l("未知的检查项。"), field="check_item")
    limit = max_bytes()
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
                        raise _refuse_type()
                size += len(chunk)
                if size > limit:
                    raise DomainError(
                        _l("文件超过 %(mb)s MB 的上限，请压缩或拆分后再上传。", mb=_mb(limit)),
                        field="file",
                    )
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise DomainError(_l("文件是空的。"), field="file")
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    evidence = Evidence(
        case=case,
        filename=_clean_name(filename),
        stored_name=stored_name,
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
        description=description.strip()[:255],
        check_item=check_item,
        uploaded_by_id=actor.id,
    )
    db.session.add(evidence)
    try:
        db.session.flush()
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return evidence


def _mb(limit: int) -> str:
    value = limit / (1024 * 1024)
    return f"{value:g}" if value >= 1 else f"{value:.2f}"


def delete_evidence(case: InspectionCase, evidence: Evidence, *, actor: User) -> str:
    """Remove the row; returns the stored name so the caller deletes the file after commit."""
    require_recorder(case, actor)
    if evidence.case_id != case.id:
        raise DomainError(_l("该文件不属于本案件。"))
    name = evidence.stored_name
    db.session.delete(evidence)
    db.session.flush()
    return name


def remove_file(stored_name: str) -> None:
    """Delete a stored file (after the commit that removed its row); a missing file is fine."""
    if not stored_name or "/" in stored_name or "\\" in stored_name or stored_name.startswith("."):
        return
    with contextlib.suppress(FileNotFoundError):
        (folder() / stored_name).unlink()


def evidence_by_item(case: InspectionCase) -> dict[str, list[Evidence]]:
    """The case's files grouped by the checklist item they support ("" for none)."""
    grouped: dict[str, list[Evidence]] = {}
    for item in case.evidence:
        grouped.setdefault(item.check_item or "", []).append(item)
    return grouped
