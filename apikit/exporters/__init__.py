"""Collections -> files: Postman (collection + environment per environment), a Bruno
collection folder, `.http` files; written atomically, or compared with what is on
disk (`check`).

File names, in the output folder (`<slug>` comes from the spec's title):

    <slug>.<env>.postman_collection.json    Postman Collection v2.1, one per environment
    <slug>.<env>.postman_environment.json   Postman environment: baseUrl + empty secrets
    <slug>.<env>.http                       JetBrains / VS Code REST Client requests
    <slug>.bruno/                           Bruno collection (environments/<env>.bru)
    files/                                  sample files that requests upload
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from apikit._io import write_atomic
from apikit.collection._json import pretty
from apikit.collection.model import Collection
from apikit.errors import UsageError
from apikit.exporters import bruno, http_file, postman
from apikit.exporters._files import sample_bytes
from apikit.exporters._scripts import GENERATED_MARK
from apikit.findings import Finding

FORMATS = ("postman", "bruno", "http")


@dataclass
class WriteOutcome:
    """What writing (or checking) the files did. Paths are relative to `out_dir`."""

    out_dir: Path
    checked: bool
    files: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def up_to_date(self) -> bool:
        return not (self.missing or self.changed or self.stale)

    @property
    def exit_code(self) -> int:
        return 1 if self.checked and not self.up_to_date else 0


def parse_formats(formats: str | Iterable[str]) -> tuple[str, ...]:
    """`"postman,http"` or ["postman", "http"] -> known formats, in FORMATS order."""
    names = formats.split(",") if isinstance(formats, str) else list(formats)
    wanted = {n.strip().lower() for part in names for n in part.split(",") if n.strip()}
    unknown = sorted(wanted - set(FORMATS))
    if unknown:
        raise UsageError(
            f"unknown collection format(s): {', '.join(unknown)}",
            hint=f"choose from {', '.join(FORMATS)}",
        )
    if not wanted:
        raise UsageError("no collection format given", hint=f"choose from {', '.join(FORMATS)}")
    return tuple(f for f in FORMATS if f in wanted)


def render_files(collections: Sequence[Collection], formats: Sequence[str]) -> dict[str, bytes]:
    """Every file of every collection: relative path -> bytes."""
    files: dict[str, bytes] = {}
    if not collections:
        return files
    for collection in collections:
        if "postman" in formats:
            files[postman.collection_file_name(collection)] = pretty(postman.to_postman(collection))
            files[postman.environment_file_name(collection)] = pretty(
                postman.to_postman_environment(collection)
            )
        if "http" in formats:
            files[http_file.file_name(collection)] = http_file.render_http(collection).encode()
    first = collections[0]
    samples = {f.path: sample_bytes(f.content_type) for f in first.files}
    if "postman" in formats or "http" in formats:
        files.update(samples)
    if "bruno" in formats:
        folder = bruno.folder_name(first)
        for rel, text in bruno.render_bruno(collections).items():
            files[f"{folder}/{rel}"] = text.encode()
        files.update({f"{folder}/{rel}": data for rel, data in samples.items()})
    return dict(sorted(files.items()))


def write_files(
    files: dict[str, bytes],
    out_dir: Path,
    *,
    check: bool = False,
    owned: Iterable[str] = (),
) -> WriteOutcome:
    """Write files that differ from disk (or, with `check`, only compare).

    `owned` are globs (relative to `out_dir`) of files apikit generates: any such
    file not generated this time is stale and removed (reported under `check`)."""
    outcome = WriteOutcome(out_dir, check, files=list(files))
    for rel, data in files.items():
        target = out_dir / rel
        try:
            current = target.read_bytes() if target.is_file() else None
        except OSError:
            current = None
        if current == data:
            continue
        if check:
            (outcome.missing if current is None else outcome.changed).append(rel)
        else:
            write_atomic(target, data)
            outcome.written.append(rel)
    outcome.stale = _stale(files, out_dir, owned)
    if not check:
        for rel in outcome.stale:
            (out_dir / rel).unlink(missing_ok=True)
            outcome.removed.append(rel)
        _prune_empty_dirs(out_dir, outcome.removed)
    return outcome


def owned_globs(
    collections: Sequence[Collection], formats: Sequence[str], all_envs: bool
) -> list[str]:
    """Files apikit owns in the output folder, for stale detection: the Bruno
    collection's requests and sample files always; the per-environment files only
    when every environment of the spec is being written. (The shared `files/`
    folder is never cleaned: other specs may write there too.)"""
    if not collections:
        return []
    slug = collections[0].slug
    globs: list[str] = []
    if "bruno" in formats:
        folder = bruno.folder_name(collections[0])
        globs += [f"{folder}/**/*.bru", f"{folder}/files/*"]
    if all_envs:
        if "postman" in formats:
            globs += [f"{slug}.*.postman_collection.json", f"{slug}.*.postman_environment.json"]
        if "http" in formats:
            globs += [f"{slug}.*.http"]
    return globs


def _stale(files: dict[str, bytes], out_dir: Path, owned: Iterable[str]) -> list[str]:
    stale: set[str] = set()
    for pattern in owned:
        for path in out_dir.glob(pattern):
            rel = path.relative_to(out_dir).as_posix()
            if not path.is_file() or rel in files or "/environments/" in f"/{rel}":
                continue
            if rel.endswith(".bru") and not _generated_bru(path, rel, files):
                continue
            stale.add(rel)
    return sorted(stale)


def _generated_bru(path: Path, rel: str, files: dict[str, bytes]) -> bool:
    """A request file apikit wrote (it carries the mark), or a folder file whose
    folder no longer has generated requests."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    if path.name == "folder.bru":
        prefix = rel[: -len("folder.bru")]
        return not any(other.startswith(prefix) for other in files)
    return GENERATED_MARK in text


def _prune_empty_dirs(out_dir: Path, removed: list[str]) -> None:
    for rel in sorted({str(Path(r).parent) for r in removed}, key=len, reverse=True):
        directory = out_dir / rel
        while directory != out_dir and directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()
            directory = directory.parent


__all__ = [
    "FORMATS",
    "WriteOutcome",
    "owned_globs",
    "parse_formats",
    "render_files",
    "write_files",
]
