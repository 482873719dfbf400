"""Spec versions from git history: `git:REV:path`.

The path is relative to the repository's top folder, as in `git show REV:path`;
one starting with `./` or `../` is relative to the current folder. The spec's
folder at REV (every YAML and JSON file under it) is written to a temporary folder
so that relative `$ref`s resolve as they did then; locations are then shown as
`REV:path:line:column`.
"""

from __future__ import annotations

import difflib
import posixpath
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from apikit.errors import ApikitError, UsageError
from apikit.spec import Spec

PREFIX = "git:"
_SPEC_SUFFIXES = (".yaml", ".yml", ".json")
_FORM = "write it as git:REV:path, e.g. git:main:api/openapi.yaml"


def is_git_version(text: str) -> bool:
    return text.startswith(PREFIX)


@dataclass(frozen=True)
class GitVersion:
    """A spec file at a revision: `rev` as the user wrote it, `commit` resolved."""

    rev: str
    path: str
    commit: str
    top: Path


def load_from_git(
    text: str,
    load: Callable[[Path, Path], Spec],
    *,
    whole_tree: bool = False,
    cwd: Path | None = None,
) -> Spec:
    """Load the spec `text` (`git:REV:path`) names. `load(spec_path, config_anchor)`
    loads the copy written to a temporary folder (`config_anchor` is where the spec
    sits in the working tree, for finding apikit.toml); `whole_tree` writes the
    whole repository instead of the spec's folder, for refs that leave it."""
    version = resolve(text, cwd)
    with tempfile.TemporaryDirectory(prefix="apikit-git-") as temp:
        root = Path(temp).resolve()
        folder = "" if whole_tree else posixpath.dirname(version.path)
        _materialise(version, folder, root)
        try:
            spec = load(root / version.path, version.top / version.path)
        except ApikitError as error:
            raise _relabelled(error, root, version) from None
        for source in spec.workspace.files.values():
            if source.path.is_relative_to(root):
                source.display = f"{version.rev}:{source.path.relative_to(root).as_posix()}"
        return spec


def resolve(text: str, cwd: Path | None = None) -> GitVersion:
    """Check that REV is a commit and that path exists in it."""
    rev, sep, path = text[len(PREFIX) :].partition(":")
    if not sep or not rev or not path:
        raise UsageError(f"{text!r} names no revision and path", hint=_FORM)
    if rev.startswith("-"):
        raise UsageError(f"{rev!r} is not a git revision", hint=_FORM)
    here = cwd or Path.cwd()
    top = Path(_git(["rev-parse", "--show-toplevel"], here, "not inside a git repository"))
    if path.startswith(("./", "../")):
        prefix = _git(["rev-parse", "--show-prefix"], here, "")
        path = posixpath.normpath(posixpath.join(prefix, path))
    else:
        path = posixpath.normpath(path.lstrip("/"))
    if path.startswith("../") or path in (".", ".."):
        raise UsageError(f"{text!r} points outside the repository", hint=_FORM)
    commit = _git(
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"],
        top,
        f"unknown git revision {rev!r}",
        hint="list revisions with `git log --oneline` or `git branch -a`",
    )
    return GitVersion(rev, path, commit, top)


def _materialise(version: GitVersion, folder: str, root: Path) -> None:
    listing = ["ls-tree", "-r", "-z", "--full-tree", version.commit]
    if folder:
        listing += ["--", folder]
    entries = _git(listing, version.top, "cannot list the files", strip=False).split("\0")
    blobs: dict[str, str] = {}
    for entry in entries:
        meta, _, name = entry.partition("\t")
        parts = meta.split()
        wanted = name == version.path or name.lower().endswith(_SPEC_SUFFIXES)
        if wanted and len(parts) == 3 and parts[1] == "blob" and parts[0] != "120000":
            blobs[name] = parts[2]
    if version.path not in blobs:
        close = difflib.get_close_matches(version.path, list(blobs), n=1)
        raise UsageError(
            f"{version.path} does not exist in {version.rev}",
            hint=f"did you mean {close[0]}?"
            if close
            else f"see `git ls-tree -r --name-only {version.rev}`",
        )
    for name, content in zip(blobs, _read_blobs(version.top, list(blobs.values())), strict=True):
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def _read_blobs(top: Path, objects: list[str]) -> list[bytes]:
    """The contents of many blobs with one `git cat-file --batch`."""
    result = _run(["cat-file", "--batch"], top, "\n".join(objects).encode() + b"\n")
    if result.returncode != 0:
        raise UsageError(f"git cat-file failed: {result.stderr.decode(errors='replace').strip()}")
    out, position, contents = result.stdout, 0, []
    for _ in objects:
        header_end = out.index(b"\n", position)
        size = int(out[position:header_end].split()[2])
        start = header_end + 1
        contents.append(out[start : start + size])
        position = start + size + 1
    return contents


def _git(
    args: list[str], cwd: Path, failure: str, *, hint: str | None = None, strip: bool = True
) -> str:
    result = _run(args, cwd)
    if result.returncode != 0:
        detail = result.stderr.decode(errors="replace").strip().splitlines()
        message = failure or f"git {args[0]} failed"
        if detail and not hint:
            message += f": {detail[-1]}"
        raise UsageError(message, hint=hint)
    text = result.stdout.decode("utf-8", errors="surrogateescape")
    return text.strip() if strip else text


def _run(
    args: list[str], cwd: Path, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise UsageError(
            "git is not installed", hint="install git to read versions from history"
        ) from None


def _relabelled(error: ApikitError, root: Path, version: GitVersion) -> ApikitError:
    """The error with temporary-folder paths shown as `REV:path`."""

    def fix(text: str | None) -> str | None:
        if not text:
            return text
        return text.replace(f"{root}/", f"{version.rev}:").replace(str(root), f"{version.rev}:.")

    error.message = fix(error.message) or ""
    error.file, error.hint = fix(error.file), fix(error.hint)
    error.args = (error.message,)
    return error
