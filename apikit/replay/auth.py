"""Credentials for replay, and their redaction.

Each security scheme of the spec takes its secret from one variable of the process
environment (or of a `.env` file): `APIKIT_AUTH_<SCHEME>`, the scheme's name
upper-cased with every character that is not a letter or digit turned into `_`
(`bearerAuth` -> `APIKIT_AUTH_BEARERAUTH`). A scheme may name another variable with
`x-apikit-secret-env: NAME`.

| scheme                          | value of the variable                           |
|---------------------------------|-------------------------------------------------|
| http bearer, other http schemes | the token                                       |
| http basic / digest             | `user:password`                                 |
| apiKey                          | the key                                         |
| oauth2 with clientCredentials   | `client_id:client_secret` (token fetched once), |
|                                 | or a ready access token                         |
| other oauth2, openIdConnect     | an access token                                 |

`<NAME>_USERNAME` / `_PASSWORD` and `<NAME>_CLIENT_ID` / `_CLIENT_SECRET` are read too.
Every value found is redacted from everything replay writes.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import httpx

from apikit.collection.auth import variable_name
from apikit.errors import ServerUnreachableError, UsageError
from apikit.spec import Spec

SECRET_ENV_EXTENSION = "x-apikit-secret-env"
REDACTED = "[redacted]"
ALWAYS_REDACTED_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key"}
)
_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")


def secret_env_name(name: str, scheme: Mapping[str, Any]) -> str:
    """The environment variable holding a scheme's secret."""
    explicit = scheme.get(SECRET_ENV_EXTENSION)
    if isinstance(explicit, str) and explicit.strip():
        return explicit.strip()
    return "APIKIT_AUTH_" + re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=value lines of a `.env` file (quotes, `export` and comments allowed)."""
    values: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return values
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _ENV_LINE.match(line)
        if not match:
            continue
        key, value = match.groups()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        else:
            value = value.split(" #", 1)[0].rstrip()
        values[key] = value
    return values


def environment_values(
    folders: Iterable[Path], environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """`.env` files of `folders` (the first one found for a key wins), overridden by
    the process environment."""
    merged: dict[str, str] = {}
    for folder in folders:
        for key, value in read_dotenv(folder / ".env").items():
            merged.setdefault(key, value)
    merged.update(os.environ if environ is None else environ)
    return merged


@dataclass(frozen=True)
class SchemeSecret:
    """The credentials found for one security scheme."""

    scheme: str
    kind: str  # bearer, basic, digest, apikey, oauth2, http
    env: str
    token: str = ""
    username: str = ""
    password: str = ""
    client_id: str = ""
    client_secret: str = ""
    token_url: str = ""
    scopes: tuple[str, ...] = ()

    @property
    def present(self) -> bool:
        if self.kind in ("basic", "digest"):
            return bool(self.username or self.password)
        if self.kind == "oauth2" and self.client_id:
            return True
        return bool(self.token)

    @property
    def needs_token(self) -> bool:
        return self.kind == "oauth2" and not self.token and bool(self.client_id)


@dataclass
class Credentials:
    """Secrets per scheme, as variables a collection's `{{...}}` references use."""

    secrets: dict[str, SchemeSecret] = field(default_factory=dict)
    # collection variable name -> scheme name, for every variable a scheme feeds
    variable_schemes: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
    header_names: set[str] = field(default_factory=set)  # apiKey headers
    query_names: set[str] = field(default_factory=set)  # apiKey query parameters
    cookie_names: set[str] = field(default_factory=set)

    def secret_values(self) -> list[str]:
        values: list[str] = []
        for secret in self.secrets.values():
            values += [secret.token, secret.password, secret.client_secret]
            if secret.kind in ("basic", "digest") and secret.username and secret.password:
                pair = f"{secret.username}:{secret.password}".encode()
                values.append(base64.b64encode(pair).decode())
        return [v for v in values if len(v) >= 4]

    def missing(self, needed: Iterable[str]) -> list[SchemeSecret]:
        return [self.secrets[n] for n in sorted(set(needed)) if not self.secrets[n].present]

    def require(self, needed: Iterable[str]) -> None:
        """Raise a UsageError naming every missing secret (before anything is sent)."""
        missing = self.missing(needed)
        if not missing:
            return
        names = ", ".join(f"{m.env} (scheme {m.scheme})" for m in missing)
        hint = "set it in the environment or in a .env file"
        if any(m.kind in ("basic", "digest") for m in missing):
            hint += "; basic auth takes user:password"
        raise UsageError(f"missing secret{'s' if len(missing) > 1 else ''}: {names}", hint=hint)

    async def fetch_tokens(
        self, client: httpx.AsyncClient, base_url: str, timeout: float, needed: Iterable[str]
    ) -> None:
        """OAuth2 client credentials: fetch the token of each needed scheme once."""
        for name in sorted(set(needed)):
            secret = self.secrets.get(name)
            if secret is None or not secret.needs_token:
                continue
            token = await _client_credentials(client, secret, base_url, timeout)
            updated = SchemeSecret(**{**secret.__dict__, "token": token})
            self.secrets[name] = updated
            self.variables[variable_name(name)] = token


def load_credentials(spec: Spec, values: Mapping[str, str]) -> Credentials:
    """Credentials of every security scheme of the spec, from `values`."""
    creds = Credentials()
    for name, scheme in spec.security_schemes().items():
        env = secret_env_name(name, scheme)
        kind = _kind(scheme)
        raw = values.get(env, "")
        secret = SchemeSecret(name, kind, env)
        if kind in ("basic", "digest"):
            user, _, password = raw.partition(":")
            user = values.get(env + "_USERNAME", user)
            password = values.get(env + "_PASSWORD", password)
            secret = SchemeSecret(name, kind, env, username=user, password=password)
            creds.variables[variable_name(name, "username")] = user
            creds.variables[variable_name(name, "password")] = password
            creds.variable_schemes[variable_name(name, "username")] = name
            creds.variable_schemes[variable_name(name, "password")] = name
        elif kind == "oauth2":
            flow = _client_credentials_flow(scheme)
            client_id = values.get(env + "_CLIENT_ID", "")
            client_secret = values.get(env + "_CLIENT_SECRET", "")
            token = raw
            if flow is not None and ":" in raw and not client_id:
                client_id, _, client_secret = raw.partition(":")
                token = ""
            if flow is None:
                client_id = client_secret = ""
            token_url = str(flow.get("tokenUrl") or "") if flow else ""
            scopes = tuple(str(s) for s in (flow.get("scopes") or {})) if flow else ()
            secret = SchemeSecret(
                name, kind, env, token, "", "", client_id, client_secret, token_url, scopes
            )
            creds.variables[variable_name(name)] = token
            creds.variables[variable_name(name, "clientId")] = client_id
            creds.variables[variable_name(name, "clientSecret")] = client_secret
            for part in ("", "clientId", "clientSecret"):
                creds.variable_schemes[variable_name(name, part)] = name
        else:
            secret = SchemeSecret(name, kind, env, token=raw)
            creds.variables[variable_name(name)] = raw
            creds.variable_schemes[variable_name(name)] = name
        if kind == "apikey":
            where = str(scheme.get("in", "header")).lower()
            key = str(scheme.get("name") or name)
            {"query": creds.query_names, "cookie": creds.cookie_names}.get(
                where, creds.header_names
            ).add(key.lower() if where == "header" else key)
        creds.secrets[name] = secret
    return creds


def _kind(scheme: Mapping[str, Any]) -> str:
    kind = str(scheme.get("type", "")).lower()
    if kind == "http":
        http = str(scheme.get("scheme", "")).lower()
        return http if http in ("bearer", "basic", "digest") else "http"
    if kind in ("oauth2", "openidconnect"):
        return "oauth2"
    if kind == "apikey":
        return "apikey"
    return kind or "http"


def _client_credentials_flow(scheme: Mapping[str, Any]) -> Mapping[str, Any] | None:
    flows = scheme.get("flows")
    flow = flows.get("clientCredentials") if isinstance(flows, dict) else None
    return flow if isinstance(flow, dict) else None


async def _client_credentials(
    client: httpx.AsyncClient, secret: SchemeSecret, base_url: str, timeout: float
) -> str:
    if not secret.token_url:
        raise UsageError(
            f"security scheme {secret.scheme} has no tokenUrl to fetch a token from",
            hint=f"set {secret.env} to an access token instead",
        )
    url = urljoin(base_url.rstrip("/") + "/", secret.token_url)
    form = {"grant_type": "client_credentials"}
    if secret.scopes:
        form["scope"] = " ".join(secret.scopes)
    try:
        response = await client.post(
            url,
            data=form,
            auth=httpx.BasicAuth(secret.client_id, secret.client_secret),
            timeout=timeout,
        )
    except httpx.TransportError as exc:
        raise ServerUnreachableError(
            f"cannot fetch an OAuth2 token for {secret.scheme} from {url}: {exc}",
            hint="check the tokenUrl and that the token service is up",
        ) from None
    try:
        token = response.json().get("access_token") if response.status_code == 200 else None
    except ValueError:
        token = None
    if not isinstance(token, str) or not token:
        raise UsageError(
            f"the token service of {secret.scheme} answered {response.status_code} "
            f"without an access_token ({url})",
            hint=f"check the client id and secret in {secret.env}",
        )
    return token


class Redactor:
    """Removes credentials from everything a report shows: credential headers,
    API-key parameters, and every secret value wherever it appears."""

    def __init__(
        self,
        secrets: Iterable[str] = (),
        headers: Iterable[str] = (),
        query: Iterable[str] = (),
    ) -> None:
        self.values = sorted({s for s in secrets if s}, key=len, reverse=True)
        self.headers = ALWAYS_REDACTED_HEADERS | {h.lower() for h in headers}
        self.query = set(query)

    def add(self, secrets: Iterable[str]) -> None:
        """Redact these values too (credentials a collection carries itself)."""
        new = {s for s in secrets if len(s) >= 4} - set(self.values)
        if new:
            self.values = sorted({*self.values, *new}, key=len, reverse=True)

    def text(self, text: str) -> str:
        for value in self.values:
            if value in text:
                text = text.replace(value, REDACTED)
        return text

    def header_pairs(self, pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
        return tuple(
            (name, REDACTED if name.lower() in self.headers else self.text(value))
            for name, value in pairs
        )

    def url(self, url: str) -> str:
        if self.query and "?" in url:
            parts = urlsplit(url)
            pairs = parse_qsl(parts.query, keep_blank_values=True)
            if any(k in self.query for k, _ in pairs):
                query = urlencode([(k, REDACTED if k in self.query else v) for k, v in pairs])
                url = urlunsplit(parts._replace(query=query))
        return self.text(url)
