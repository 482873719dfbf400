"""Files the site offers for download: the bundled spec and the collections of each
environment, copied into the docs folder so the site carries them offline."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from apikit._io import dump_json, dump_yaml
from apikit.docsite.model import Download
from apikit.spec import Spec
from apikit.spec.model import slugify

FOLDER = "downloads"
_KINDS = (
    (".postman_collection.json", "Postman collection"),
    (".postman_environment.json", "Postman environment (base URL and empty secret variables)"),
    (".http", "HTTP requests file (VS Code REST Client, JetBrains HTTP Client)"),
    (".bruno", "Bruno collection with every environment"),
    (".json", "JSON file"),
)
#: fixed timestamp for zip entries, so the same files give the same archive
_EPOCH = (1980, 1, 1, 0, 0, 0)


def spec_download(spec: Spec) -> tuple[Download, dict[str, bytes]]:
    """The bundled spec, in the format it was written in."""
    info = spec.document.get("info")
    version = str(info.get("version") or "") if isinstance(info, dict) else ""
    stem = slugify(spec.title) or "api"
    if version:
        stem += "-" + slugify(version).replace("-", ".")
    root = spec.workspace.root
    is_json = root.is_json
    if len(spec.workspace.files) == 1:
        data = root.text.encode("utf-8")  # already one file: offer it as written
    else:
        text = dump_json(spec.document, sort_keys=False) if is_json else dump_yaml(spec.document)
        data = text.encode("utf-8")
    name = f"{FOLDER}/{stem}.openapi.{'json' if is_json else 'yaml'}"
    label = "OpenAPI description" + (f" {version}" if version else "")
    description = "The whole spec in one file (external references bundled)"
    return Download(name, label, description, len(data)), {name: data}


def collection_downloads(
    folder: Path, environments: list[str]
) -> tuple[list[Download], dict[str, bytes]]:
    """The files of a collections folder; its folders (a Bruno collection, the
    sample files that requests upload) as zip archives."""
    files: dict[str, bytes] = {}
    downloads: list[Download] = []
    base = f"{FOLDER}/collections"
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            data = zip_folder(entry)
            name = f"{base}/{entry.name}.zip"
            files[name] = data
            description = _describe(entry.name) if entry.suffix else "Files the collections send"
            downloads.append(Download(name, entry.name + ".zip", description + " (zip)", len(data)))
        else:
            env = next((e for e in environments if f".{e}." in entry.name), "")
            name = f"{base}/{entry.name}"
            files[name] = entry.read_bytes()
            downloads.append(
                Download(name, entry.name, _describe(entry.name), len(files[name]), env)
            )
    return downloads, files


def _describe(name: str) -> str:
    for suffix, text in _KINDS:
        if name.endswith(suffix):
            return text
    return "File"


def zip_folder(folder: Path) -> bytes:
    """A deterministic zip of a folder (sorted entries, fixed timestamps)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{folder.name}/{path.relative_to(folder).as_posix()}", _EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()
