"""The last check before a pack is written: no file may hold the value of a secret.

Secrets are the values of the `APIKIT_AUTH_*` variables present (in the process
environment or a `.env` file, as replay reads them), of the variables a security
scheme names with `x-apikit-secret-env`, and of those listed in the configuration
(`secret-env = [...]`). A value is also looked for URL-encoded, JSON-escaped and
base64-encoded (as in a basic `Authorization` header), and inside zip and gzip
files. Values shorter than `MIN_LENGTH` are not looked for: they would match
everywhere and protect nothing.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import quote

from apikit.errors import SecretLeakError

PREFIX = "APIKIT_AUTH_"
MIN_LENGTH = 4
#: files listed in a refusal before "and N more"
MAX_NAMED = 5


@dataclass(frozen=True)
class Secret:
    variable: str
    value: str

    def forms(self) -> set[bytes]:
        """The byte strings that betray the value."""
        value = self.value
        texts = {value, quote(value, safe=""), json.dumps(value)[1:-1]}
        if ":" in value:  # user:password, client_id:client_secret
            secret_part = value.split(":", 1)[1]
            if len(secret_part) >= MIN_LENGTH:
                texts.add(secret_part)
        forms = {text.encode("utf-8") for text in texts}
        forms.add(base64.b64encode(value.encode("utf-8")))
        return {form for form in forms if len(form) >= MIN_LENGTH}


def secrets_from(values: Mapping[str, str], names: Iterable[str] = ()) -> list[Secret]:
    """The secrets among `values` (variable -> value): every `APIKIT_AUTH_*` one and
    those `names` lists."""
    wanted = set(names)
    found = [
        Secret(key, value)
        for key, value in sorted(values.items())
        if (key.startswith(PREFIX) or key in wanted) and len(value.strip()) >= MIN_LENGTH
    ]
    return found


def scan(files: Mapping[str, bytes], secrets: list[Secret]) -> None:
    """Raise SecretLeakError naming every file (up to MAX_NAMED) that holds a secret."""
    if not secrets:
        return
    patterns = [(secret.variable, form) for secret in secrets for form in secret.forms()]
    leaks: dict[str, set[str]] = {}
    for name in sorted(files):
        for inner, data in _contents(name, files[name]):
            hits = {variable for variable, form in patterns if form in data}
            if hits:
                leaks.setdefault(inner, set()).update(hits)
    if not leaks:
        return
    named = sorted(leaks)[:MAX_NAMED]
    listed = ", ".join(f"{name} ({', '.join(sorted(leaks[name]))})" for name in named)
    more = f" and {len(leaks) - len(named)} more files" if len(leaks) > len(named) else ""
    raise SecretLeakError(
        f"refusing to write the pack: the value of a secret is in {listed}{more}",
        hint="remove the secret from the spec, the replay reports or the files named; "
        "the pack was not written",
    )


def _contents(name: str, data: bytes, depth: int = 0) -> Iterable[tuple[str, bytes]]:
    """The file itself, and what a zip or gzip file holds (as `outer!inner`)."""
    yield name, data
    if depth > 2:
        return
    if name.endswith(".zip") and zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if not info.is_dir():
                    inner = f"{name}!{info.filename}"
                    yield from _contents(inner, archive.read(info), depth + 1)
    elif name.endswith(".gz"):
        try:
            yield f"{name}!", gzip.decompress(data)
        except (OSError, EOFError):
            return
