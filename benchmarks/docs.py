"""`apikit docs build` side by side with Redocly's `build-docs`.

    .venv/bin/python benchmarks/docs.py [--runs 3] [--skip-layouts]

Fetches GitHub's REST description (npm @octokit/openapi, ~12 MB, 1,200+ operations)
into benchmarks/.cache and installs @redocly/cli into benchmarks/.cache/tools (the
same package `npx @redocly/cli build-docs` runs). Then:

1. times both tools end to end (median of --runs, peak RSS of the slowest stage
   process) and describes what each produced: pages, size on disk, and whether
   the output loads anything from the network when opened (offline or not);
2. times apikit's stages in-process (load, context, render, write, MkDocs, link
   check) to show where the time goes;
3. unless --skip-layouts, builds the same content as one page per operation
   instead of one page per tag, to compare MkDocs' cost for the two layouts.

Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _inputs import github_spec, measure, npm_tool

VENV_BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

_REMOTE = re.compile(r'<(?:script|link|img)\b[^>]*(?:src|href)="(https?:)?//', re.I)


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _pages(site: Path) -> list[Path]:
    return [p for p in site.rglob("*.html") if "assets" not in p.parts and p.name != "404.html"]


def _remote_loads(files: list[Path]) -> int:
    """Scripts, stylesheets and images the pages fetch from other hosts."""
    return sum(len(_REMOTE.findall(p.read_text(encoding="utf-8"))) for p in files)


def end_to_end(spec: Path, work: Path, runs: int) -> list[dict[str, Any]]:
    redocly = npm_tool("@redocly/cli", "redocly")
    empty = work / "no-collections"
    empty.mkdir(parents=True, exist_ok=True)
    tools: dict[str, tuple[list[str], Path]] = {
        "apikit docs build (complete: site, search, offline, collections)": (
            [
                str(VENV_BIN / "apikit"),
                "docs",
                "build",
                str(spec),
                "--docs-dir",
                str(work / "apikit" / "docs"),
                "--site-dir",
                str(work / "apikit" / "site"),
            ],
            work / "apikit" / "site",
        ),
        "apikit docs build --collections-dir (site without collections)": (
            [
                str(VENV_BIN / "apikit"),
                "docs",
                "build",
                str(spec),
                "--collections-dir",
                str(empty),
                "--docs-dir",
                str(work / "lean" / "docs"),
                "--site-dir",
                str(work / "lean" / "site"),
            ],
            work / "lean" / "site",
        ),
        "redocly build-docs (one HTML page)": (
            [str(redocly), "build-docs", str(spec), "-o", str(work / "redoc" / "index.html")],
            work / "redoc" / "index.html",
        ),
    }
    rows = []
    for name, (command, output) in tools.items():
        timings = [measure(command, cwd=work) for _ in range(runs)]
        failed = [t for t in timings if t["exit"] != 0]
        if failed:
            raise SystemExit(f"{name} failed: exit {failed[0]['exit']}")
        pages = _pages(output) if output.is_dir() else [output]
        rows.append(
            {
                "tool": name,
                "seconds": statistics.median(float(t["seconds"]) for t in timings),
                "all runs": ", ".join(f"{t['seconds']:.1f}" for t in timings),
                "rss_mib": max(int(t["rss_mib"]) for t in timings),
                "pages": len(pages),
                "size_mb": round(_size(output) / 1e6, 1),
                "remote": _remote_loads(pages),
            }
        )
    return rows


def stages(spec: Path, work: Path) -> list[tuple[str, float]]:
    """apikit's pipeline, stage by stage, in this process."""
    from apikit import api
    from apikit.docsite import build as site
    from apikit.docsite import downloads
    from apikit.docsite.context import build_context
    from apikit.docsite.render import render_pages

    root = work / "stages"
    timings: list[tuple[str, float]] = []
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings.append((name, now - clock))
        clock = now

    loaded = api.open_spec(spec)
    lap("load the spec (12 MB JSON, refs checked)")
    offered, files = downloads.spec_download(loaded)
    collections, collection_files, _ = api._docs_collections(loaded, None)
    lap("collections for the Downloads page (exporters; overlapped in a real build)")
    context = build_context(loaded, downloads=[offered, *collections])
    lap("page contexts (schemas, examples, samples)")
    pages = list(render_pages(context))
    lap(f"render {len(pages)} Markdown pages (Jinja2)")
    site.write_sources(
        pages, root / "docs", overrides=None, extra_files={**files, **collection_files}
    )
    config = site.mkdocs_config(
        context, root / "mkdocs.yml", root / "docs", root / "site", loaded.workspace.root.path
    )
    site.write_config(config, root / "mkdocs.yml")
    lap("write sources and mkdocs.yml")
    site.run_mkdocs(root / "mkdocs.yml", strict=False)
    lap("MkDocs Material build (+ search index, offline)")
    site.check_links(root / "site")
    lap("check every internal link")
    return timings


def per_operation_layout(work: Path) -> list[tuple[str, float, int]]:
    """MkDocs on the same Markdown, split into one page per operation."""
    from apikit.docsite.build import run_mkdocs

    source = work / "stages"
    results = []
    for layout in ("one page per tag (shipped)", "one page per operation (experiment)"):
        root = work / ("per-tag" if "tag" in layout else "per-op")
        shutil.copytree(source / "docs", root / "docs", dirs_exist_ok=True)
        config = (source / "mkdocs.yml").read_text(encoding="utf-8")
        if "operation" in layout:
            config = _split_per_operation(root / "docs", config)
        (root / "mkdocs.yml").write_text(config, encoding="utf-8")
        start = time.perf_counter()
        run_mkdocs(root / "mkdocs.yml", strict=False)
        results.append((layout, time.perf_counter() - start, len(_pages(root / "site"))))
    return results


def _split_per_operation(docs: Path, config: str) -> str:
    """Move each `## ` section of the reference pages to a page of its own."""
    nav_lines = ["- API reference:"]
    for page in sorted((docs / "reference").glob("*.md")):
        text = page.read_text(encoding="utf-8")
        head, *sections = re.split(r"^(?=## )", text, flags=re.M)
        page.write_text(head, encoding="utf-8")
        folder = docs / "reference" / page.stem
        folder.mkdir(exist_ok=True)
        nav_lines.append(f"  - {page.stem}:")
        nav_lines.append(f"    - reference/{page.name}")
        for index, section in enumerate(sections):
            name = f"op-{index:04d}.md"
            (folder / name).write_text(section.replace('href="', 'href="../'), encoding="utf-8")
            nav_lines.append(f"    - reference/{page.stem}/{name}")
    nav = config[config.index("nav:") :]
    kept = [
        line
        for line in nav.splitlines()[1:]
        if "reference/" not in line and "API reference" not in line
    ]
    return config[: config.index("nav:")] + "nav:\n" + "\n".join(kept + nav_lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-layouts", action="store_true")
    args = parser.parse_args()
    spec = github_spec()
    with tempfile.TemporaryDirectory(prefix="apikit-docs-bench-") as tmp:
        work = Path(tmp)
        rows = end_to_end(spec, work, args.runs)
        print(f"GitHub REST description: {spec.stat().st_size / 2**20:.1f} MiB\n")
        print(
            "| tool | wall time (median) | runs | peak RSS | pages | size | network loads when opened |"
        )
        print("|---|---|---|---|---|---|---|")
        for row in rows:
            offline = (
                "none (works offline)" if row["remote"] == 0 else f"{row['remote']} (needs network)"
            )
            print(
                f"| {row['tool']} | {row['seconds']:.1f} s | {row['all runs']} | "
                f"{row['rss_mib']} MiB | {row['pages']} | {row['size_mb']} MB | {offline} |"
            )
        print("\n| apikit stage (in-process) | seconds |\n|---|---|")
        timings = stages(spec, work)
        for name, seconds in timings:
            print(f"| {name} | {seconds:.2f} |")
        print(f"| total | {sum(s for _, s in timings):.2f} |")
        if not args.skip_layouts:
            print("\n| MkDocs build of the same content | seconds | pages |\n|---|---|---|")
            for layout, seconds, pages in per_operation_layout(work):
                print(f"| {layout} | {seconds:.2f} | {pages} |")


if __name__ == "__main__":
    main()
