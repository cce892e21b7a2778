"""Install the front-end libraries into static/vendor/ from the npm registry (`make setup`).

Nothing here is committed: each package is downloaded as the registry's tarball, checked
against its pinned Subresource-Integrity hash (the registry's ``dist.integrity``), and only the
files the pages need are extracted, each checked against its own pinned SHA-256. Standard
library only, so it runs before the virtual environment exists. Idempotent: files already
present with the right hash are left alone.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import sys
import tarfile
import tempfile
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60  #: seconds


class IntegrityError(Exception):
    """A download or an extracted file does not match its pinned hash."""


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    #: The registry's ``dist.integrity`` of the tarball ("sha512-<base64>").
    integrity: str
    #: Member of the tarball → (file name under ``target``, its SHA-256 in hex).
    files: dict[str, tuple[str, str]]
    #: Directory relative to the project root.
    target: str

    @property
    def url(self) -> str:
        return f"https://registry.npmjs.org/{self.name}/-/{self.name}-{self.version}.tgz"


PACKAGES = (
    Package(
        name="echarts",
        version="5.5.1",
        integrity=(
            "sha512-Fce8upazaAXUVUVsjgV6mBnGuqgO+JNDlcgF79Dksy4+wgGpQB2lmYoO4TSweFg/"
            "mZITdpGHomw/cNBJZj1icA=="
        ),
        files={
            "package/dist/echarts.min.js": (
                "echarts.min.js",
                "e84270bd0cd5bdf60fefc26d00c2a391cb2e81f4d26a7a9ee16185a54773a3cf",
            ),
            "package/LICENSE": (
                "LICENSE",
                "634293835b43a6dd2094fa39182a3d9a6b9ca43b7fdb9ac354e8037af2a3093a",
            ),
            # Apache-2.0 §4(d): the NOTICE travels with the redistributed file.
            "package/NOTICE": (
                "NOTICE",
                "fa99ac3af859d0e13166906dc53a73ad34a08898da7e8ae83407275496e9e30c",
            ),
        },
        target="static/vendor/echarts",
    ),
)


def verify_integrity(data: bytes, integrity: str) -> None:
    """Raise IntegrityError unless ``data`` matches an SRI string such as "sha512-…"."""
    algorithm, _, expected = integrity.partition("-")
    if algorithm not in ("sha512", "sha384", "sha256") or not expected:
        raise IntegrityError(f"unsupported integrity value {integrity!r}")
    actual = base64.b64encode(hashlib.new(algorithm, data).digest()).decode("ascii")
    if actual != expected:
        raise IntegrityError(f"{algorithm} mismatch: expected {expected}, got {actual}")


def sha256_of(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def is_installed(package: Package, root: Path = ROOT) -> bool:
    target = root / package.target
    return all(sha256_of(target / name) == digest for name, digest in package.files.values())


def extract(package: Package, tarball: bytes, root: Path = ROOT) -> list[Path]:
    """Write the package's pinned files from a verified tarball; nothing else is extracted.

    Every file is checked before any is written, so a bad tarball leaves the target as it was.
    """
    contents: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        for member_name, (name, digest) in package.files.items():
            try:
                member = archive.getmember(member_name)
            except KeyError:
                raise IntegrityError(f"{member_name} is not in the tarball") from None
            if not member.isfile():
                raise IntegrityError(f"{member_name} is not a regular file")
            handle = archive.extractfile(member)
            data = handle.read() if handle else b""
            if hashlib.sha256(data).hexdigest() != digest:
                raise IntegrityError(f"{member_name}: SHA-256 differs from the pinned value")
            contents[name] = data
    target = root / package.target
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in contents.items():
        path = target / name
        fd, temporary = tempfile.mkstemp(dir=target, prefix=f".{name}.")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
        written.append(path)
    return written


def download(url: str) -> bytes:
    if not url.startswith("https://registry.npmjs.org/"):
        raise ValueError(f"refusing to download from {url}")
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310 (https only)
        return response.read()


def install(
    package: Package, *, root: Path = ROOT, fetch: Callable[[str], bytes] = download
) -> bool:
    """Install ``package`` unless already there; True when files were written."""
    if is_installed(package, root):
        return False
    tarball = fetch(package.url)
    verify_integrity(tarball, package.integrity)
    extract(package, tarball, root)
    return True


def main() -> int:
    for package in PACKAGES:
        label = f"{package.name} {package.version}"
        try:
            changed = install(package)
        except (IntegrityError, OSError) as error:
            print(f"vendor: {label}: {error}", file=sys.stderr)
            return 1
        state = "installed" if changed else "already present"
        print(f"vendor: {label} {state} in {package.target}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
