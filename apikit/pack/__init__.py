"""The knowledge-transfer pack: one reproducible zip for the team that builds on the API.

    files (spec, collections, docs site, reports, changelog, HANDOVER.md)
        -> secret scan -> MANIFEST.json -> deterministic zip, written atomically

`apikit.api.pack` gathers the files (each from its own stage); `write_pack` here
checks and writes them. Inside the zip everything sits in one folder named after
the API and its version (`bookstore-api-1.4.0/`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from apikit._io import write_atomic
from apikit.pack.archive import MANIFEST, PackResult, manifest, sha256, zip_files
from apikit.pack.secrets import Secret, scan
from apikit.spec import Spec
from apikit.spec.model import slugify

__all__ = ["MANIFEST", "PackResult", "pack_root", "spec_about", "write_pack"]


def pack_root(spec: Spec) -> str:
    """The folder inside the zip, and the default file name: `bookstore-api-1.4.0`."""
    info = spec.document.get("info")
    version = str(info.get("version") or "") if isinstance(info, dict) else ""
    slug = slugify(spec.title) or "api"
    return f"{slug}-{slugify(version).replace('-', '.')}" if version else slug


def spec_about(spec: Spec, name: str, data: bytes) -> dict[str, Any]:
    """The spec's entry in the manifest: the bundled file `name` holding `data`."""
    info = spec.document.get("info")
    version = str(info.get("version") or "") if isinstance(info, dict) else ""
    return {
        "title": spec.title,
        "version": version,
        "openapi": spec.version,
        "file": name,
        "sha256": sha256(data),
    }


def write_pack(
    files: Mapping[str, bytes],
    output: Path,
    *,
    root: str,
    about: Mapping[str, Any],
    secrets: list[Secret],
) -> PackResult:
    """Scan `files` (pack path -> bytes) for secrets, add the manifest, zip them
    under `root/` and write the zip atomically. Nothing is written when a file
    holds a secret (SecretLeakError)."""
    scan(files, secrets)
    everything = {**files, MANIFEST: manifest(files, about)}
    data = zip_files(everything, root)
    write_atomic(output, data)
    sizes = {name: len(content) for name, content in everything.items()}
    return PackResult(output, root, sizes, len(data), sha256(data))
