"""Files -> one reproducible zip with a manifest.

The same files give the same bytes: entries sorted by name, every timestamp
1980-01-01 00:00, permissions 0644, DEFLATE at a fixed level, no extra fields.
`MANIFEST.json` lists each file with its size and sha256, and the spec's version
and hash."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from apikit._io import dump_json

EPOCH = (1980, 1, 1, 0, 0, 0)
MANIFEST = "MANIFEST.json"
COMPRESS_LEVEL = 6
_UNIX = 3
_REGULAR_FILE = 0o100644


@dataclass
class PackResult:
    """What `apikit pack` wrote."""

    path: Path
    root: str
    files: dict[str, int] = field(default_factory=dict)  # name in the pack -> size
    size: int = 0
    sha256: str = ""
    environments: list[str] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)  # environments with a replay report
    changelog: bool = False

    def report(self) -> str:
        """What a person needs to know after packing, one line per part."""
        megabytes = self.size / (1024 * 1024)
        lines = [f"wrote {self.path} ({len(self.files)} files, {megabytes:.1f} MB)"]
        lines.append(f"  sha256       {self.sha256}")
        lines.append(f"  environments {', '.join(self.environments)}")
        lines.append(f"  reports      {', '.join(self.reports) or 'none found'}")
        if self.changelog:
            lines.append("  changelog    CHANGELOG.md")
        if any(name.startswith("docs/") for name in self.files):
            lines.append("  docs         docs/index.html (HANDOVER.md is a page)")
        lines.append(f"  inside       {self.root}/ (start with HANDOVER.md)")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "root": self.root,
            "size": self.size,
            "sha256": self.sha256,
            "environments": self.environments,
            "reports": self.reports,
            "changelog": self.changelog,
            "files": dict(sorted(self.files.items())),
        }


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def folder_files(folder: Path, prefix: str, skip: frozenset[str] = frozenset()) -> dict[str, bytes]:
    """Every file under `folder` as `prefix/relative/path` -> bytes (names in `skip`,
    relative to the folder, are left out)."""
    files: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and rel not in skip:
            files[f"{prefix}/{rel}"] = path.read_bytes()
    return files


def manifest(files: Mapping[str, bytes], about: Mapping[str, Any]) -> bytes:
    """The manifest of `files`: `about` (the spec's title, version and hash, ...)
    and every file's size and sha256, sorted by name."""
    entries = [
        {"path": name, "size": len(data), "sha256": sha256(data)}
        for name, data in sorted(files.items())
    ]
    return dump_json({**about, "files": entries}, sort_keys=False).encode("utf-8")


def zip_files(files: Mapping[str, bytes], root: str) -> bytes:
    """A reproducible zip of `files`, each under the folder `root`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{root}/{name}", date_time=EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = _UNIX
            info.external_attr = _REGULAR_FILE << 16
            archive.writestr(info, files[name], compresslevel=COMPRESS_LEVEL)
    return buffer.getvalue()
