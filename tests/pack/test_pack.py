"""The pack of the bundled example, unzipped and checked file by file: layout,
manifest, reproducibility, the handover guide, the docs offline in Chromium and the
collections in Newman against the example server."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import zipfile
from pathlib import Path

from apikit import load_spec, validate
from tests.pack.conftest import CREDENTIALS, ROOT, Packed, build_pack

ENVIRONMENTS = ("local", "staging", "prod")


def test_layout(packed: Packed) -> None:
    names = {
        path.relative_to(packed.folder).as_posix()
        for path in packed.folder.rglob("*")
        if path.is_file()
    }
    top = {name.split("/")[0] for name in names}
    assert top == {
        "CHANGELOG.md",
        "HANDOVER.md",
        "MANIFEST.json",
        "collections",
        "docs",
        "openapi.yaml",
        "reports",
    }
    for env in ENVIRONMENTS:
        for suffix in ("postman_collection.json", "postman_environment.json", "http"):
            assert f"collections/bookstore-api.{env}.{suffix}" in names
        assert f"collections/bookstore-api.bruno/environments/{env}.bru" in names
    assert {n for n in names if n.startswith("reports/")} == {
        "reports/local/replay.json",
        "reports/local/junit.xml",
        "reports/local/report.html",
    }
    assert {"docs/index.html", "docs/handover.html", "docs/changelog.html"} <= names
    assert not any("sitemap" in name for name in names)


def test_zip_entries_are_normalised(packed: Packed) -> None:
    with zipfile.ZipFile(packed.zip) as archive:
        infos = archive.infolist()
    names = [info.filename for info in infos]
    assert all(name.startswith(ROOT + "/") for name in names)
    assert names == sorted(names)
    for info in infos:
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert info.external_attr >> 16 == 0o100644
        assert info.compress_type == zipfile.ZIP_DEFLATED
        assert not info.extra


def test_manifest_lists_every_file_with_its_hash(packed: Packed) -> None:
    manifest = json.loads(packed.text("MANIFEST.json"))
    listed = {entry["path"]: entry for entry in manifest["files"]}
    on_disk = {
        path.relative_to(packed.folder).as_posix(): path
        for path in packed.folder.rglob("*")
        if path.is_file()
    }
    assert set(listed) == set(on_disk) - {"MANIFEST.json"}
    for name, path in on_disk.items():
        if name == "MANIFEST.json":
            continue
        data = path.read_bytes()
        assert listed[name]["size"] == len(data), name
        assert listed[name]["sha256"] == hashlib.sha256(data).hexdigest(), name
    spec = manifest["spec"]
    assert (spec["title"], spec["version"], spec["openapi"]) == ("Bookstore API", "1.4.0", "3.1.0")
    spec_bytes = (packed.folder / "openapi.yaml").read_bytes()
    assert (spec["file"], spec["sha256"]) == (
        "openapi.yaml",
        hashlib.sha256(spec_bytes).hexdigest(),
    )
    assert manifest["environments"] == list(ENVIRONMENTS)
    assert manifest["reports"] == ["local"]


def test_same_inputs_give_the_same_zip(packed: Packed) -> None:
    again = packed.zip.with_name("again.zip")
    build_pack(packed.zip.parent, again)
    assert again.read_bytes() == packed.zip.read_bytes()


def test_bundled_spec_stands_alone(packed: Packed) -> None:
    text = packed.text("openapi.yaml")
    assert not re.search(r"\$ref: '?[^'#\s]", text)  # internal references only
    report = validate(load_spec(packed.folder / "openapi.yaml"))
    assert report.valid, report.findings


def test_environment_files_hold_no_secret_values(packed: Packed) -> None:
    for env in ENVIRONMENTS:
        name = f"collections/bookstore-api.{env}.postman_environment.json"
        values = json.loads(packed.text(name))["values"]
        secrets = {v["key"]: v["value"] for v in values if v["type"] == "secret"}
        assert secrets == {"bearerAuth": "", "adminApiKey": ""}
    for path in packed.folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for value in CREDENTIALS.values():
                assert value.encode() not in data, path


def test_handover_guide(packed: Packed) -> None:
    guide = packed.text("HANDOVER.md")
    assert guide.startswith("# Bookstore API 1.4.0: handover\n")
    assert "Catalogue, author directory and order intake" in guide
    for row in (
        "| `local` | `http://127.0.0.1:8000/v1` | Local development |",
        "| `staging` | `https://staging.bookstore.example/v1` | Staging |",
        "| `prod` | `https://api.bookstore.example/v1` | Production (read-only",
    ):
        assert row in guide
    assert "| `bearerAuth` | http bearer (JWT) | `APIKIT_AUTH_BEARERAUTH` | 17 |" in guide
    assert (
        "| `adminApiKey` | apiKey in header X-Admin-Key | `APIKIT_AUTH_ADMINAPIKEY` | 2 |" in guide
    )
    assert "npx newman run collections/bookstore-api.local.postman_collection.json" in guide
    assert "*Open Collection* on the folder `collections/bookstore-api.bruno`" in guide
    assert (
        "| 404 | No resource exists" in guide and "`application/problem+json` | `Problem`" in guide
    )
    assert "| 422 |" in guide and "`ValidationProblem`" in guide
    status = guide[guide.index("## Operation status per environment") :]
    assert "- `local` at `http://127.0.0.1:" in status
    assert status.count("| conforms |") == 20
    gaps = guide[guide.index("## Known gaps") : guide.index("## Changes since")]
    assert "Not replayed: `staging`, `prod`." in gaps
    assert "**Lists without pagination** (1):\n`GET /categories`." in gaps
    assert "1 changes, 1 of them breaking: see `CHANGELOG.md`" in guide
    assert (
        "Bookstore backend team, `backend@bookstore.example`, "
        "<https://bookstore.example/developers>." in guide
    )
    assert "| `MANIFEST.json` |" in guide


def test_changelog(packed: Packed) -> None:
    changelog = packed.text("CHANGELOG.md")
    assert changelog.startswith("# Changelog\n")
    assert "**1 breaking change**" in changelog
    assert "`GET /legacy/ping`" in changelog and "`operation-removed`" in changelog


def test_docs_open_offline_in_chromium(packed: Packed, chromium: str, tmp_path: Path) -> None:
    page = packed.folder / "docs" / "handover.html"
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--host-resolver-rules=MAP * ~NOTFOUND",  # no network: everything must be local
        f"--user-data-dir={tmp_path / 'profile'}",
        "--dump-dom",
        page.as_uri(),
    ]
    dom = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True).stdout
    assert "Bookstore API 1.4.0: handover" in dom
    assert "APIKIT_AUTH_BEARERAUTH" in dom
    assert "https://staging.bookstore.example/v1" in dom
    assert 'href="index.html"' in dom and 'href="changelog.html"' in dom
    # Material's script ran from the pack: it turns the page's "no-js" into "js"
    html_tag = re.search(r"<html[^>]*>", dom)
    assert html_tag is not None and re.search(r'class="[^"]*\bjs\b', html_tag.group(0))
    assert "no-js" not in html_tag.group(0)
    index = (packed.folder / "docs" / "index.html").read_text(encoding="utf-8")
    assert 'href="handover.html"' in index
    search = (packed.folder / "docs" / "search" / "search_index.json").read_text("utf-8")
    assert '"location":"handover.html#operation-status-per-environment"' in search


def test_collections_run_in_newman_as_the_guide_says(
    packed: Packed, newman: str, bookstore_server: str, tmp_path: Path
) -> None:
    guide = packed.text("HANDOVER.md")
    command = re.search(r"    (npx newman run \S+local\S+.*?)\n\n", guide, re.S)
    assert command is not None
    shell = command.group(1).replace("npx newman", newman, 1)
    report = tmp_path / "newman.json"
    shell += (
        f" --env-var baseUrl={bookstore_server} --reporters json --reporter-json-export {report}"
    )
    env = {**os.environ, **CREDENTIALS}
    done = subprocess.run(
        ["bash", "-c", shell],
        cwd=packed.folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    run = json.loads(report.read_text(encoding="utf-8"))["run"]
    assert done.returncode == 0, run["failures"][:3]
    assert run["stats"]["requests"]["failed"] == 0
    assert run["stats"]["assertions"]["failed"] == 0
    assert run["stats"]["requests"]["total"] >= 20
