"""Security schemes -> collection auth, with every credential held in a variable.

Variable names follow the scheme's name in `components.securitySchemes`:

    http bearer, apiKey, other http   <scheme>
    http basic, http digest           <scheme>_username, <scheme>_password
    oauth2, openIdConnect             <scheme> (the access token),
                                      <scheme>_clientId, <scheme>_clientSecret

Their values are always empty in files; replay reads them from `APIKIT_AUTH_<SCHEME>`
(`_USERNAME`, `_PASSWORD`, `_CLIENT_ID`, `_CLIENT_SECRET`), SCHEME being the scheme
name upper-cased with anything not alphanumeric turned into `_`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from apikit.collection.model import Auth, Param, Variable
from apikit.spec import Spec

_GRANTS = {
    "clientCredentials": "client_credentials",
    "authorizationCode": "authorization_code",
    "password": "password_credentials",
    "implicit": "implicit",
}


@dataclass(frozen=True)
class AuthPlan:
    """How one security requirement is sent: an auth (None: nothing to send) plus
    credentials Postman's auth cannot carry (a second scheme, cookie API keys)."""

    auth: Auth | None
    headers: tuple[Param, ...] = ()
    query: tuple[Param, ...] = ()
    cookies: tuple[tuple[str, str], ...] = ()


NO_AUTH = AuthPlan(Auth("noauth"))


def secret_env_name(scheme: str, part: str = "") -> str:
    """`bearerAuth` -> `APIKIT_AUTH_BEARERAUTH`; with part `clientId` ->
    `APIKIT_AUTH_BEARERAUTH_CLIENT_ID`."""
    name = re.sub(r"[^A-Za-z0-9]", "_", scheme).upper()
    suffix = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", part).upper()
    return f"APIKIT_AUTH_{name}" + (f"_{suffix}" if suffix else "")


def variable_name(scheme: str, part: str = "") -> str:
    base = re.sub(r"[^A-Za-z0-9_\-]", "_", scheme)
    return f"{base}_{part}" if part else base


class AuthBuilder:
    """Turns security requirements into `AuthPlan`s and collects the secret
    variables the chosen schemes need."""

    def __init__(self, spec: Spec) -> None:
        self.schemes = spec.security_schemes()
        self.variables: dict[str, Variable] = {}

    def plan(self, requirements: Any) -> AuthPlan:
        """The first alternative that sends credentials; `security: []` (or only
        `{}` alternatives) means no auth."""
        if not isinstance(requirements, list):
            return NO_AUTH
        for alternative in requirements:
            if isinstance(alternative, dict) and alternative:
                names = [str(n) for n in alternative if str(n) in self.schemes]
                if len(names) == len(alternative):
                    return self._alternative(names, alternative)
        return NO_AUTH

    def _alternative(self, names: list[str], scopes: dict[str, Any]) -> AuthPlan:
        auth: Auth | None = None
        headers: list[Param] = []
        query: list[Param] = []
        cookies: list[tuple[str, str]] = []
        for name in names:
            scheme = self.schemes[name]
            scope = " ".join(str(s) for s in scopes.get(name) or [] if isinstance(s, str))
            kind = str(scheme.get("type", "")).lower()
            if kind == "apikey":
                where = str(scheme.get("in", "header")).lower()
                key = str(scheme.get("name") or name)
                value = "{{" + self._secret(name, scheme) + "}}"
                if where == "cookie":
                    cookies.append((key, value))
                elif auth is None:
                    params = (("key", key), ("value", value), ("in", where))
                    auth = Auth("apikey", params, name)
                elif where == "query":
                    query.append(Param(key, value, f"credential of {name}"))
                else:
                    headers.append(Param(key, value, f"credential of {name}"))
                continue
            candidate = self._auth(name, scheme, scope)
            if candidate is None:
                continue
            if auth is None:
                auth = candidate
            elif candidate.type == "bearer" or candidate.type == "oauth2":
                token = candidate.get("token") or candidate.get("accessToken")
                headers.append(Param("Authorization", f"Bearer {token}", f"credential of {name}"))
        return AuthPlan(auth, tuple(headers), tuple(query), tuple(cookies))

    def _auth(self, name: str, scheme: dict[str, Any], scope: str) -> Auth | None:
        kind = str(scheme.get("type", "")).lower()
        if kind == "http":
            http = str(scheme.get("scheme", "")).lower()
            if http == "bearer":
                return Auth("bearer", (("token", "{{" + self._secret(name, scheme) + "}}"),), name)
            if http in ("basic", "digest"):
                user = "{{" + self._secret(name, scheme, "username") + "}}"
                password = "{{" + self._secret(name, scheme, "password") + "}}"
                return Auth(http, (("username", user), ("password", password)), name)
            token = "{{" + self._secret(name, scheme) + "}}"
            value = f"{scheme.get('scheme')} {token}"
            return Auth(
                "apikey", (("key", "Authorization"), ("value", value), ("in", "header")), name
            )
        if kind in ("oauth2", "openidconnect"):
            return self._oauth2(name, scheme, scope)
        return None  # mutualTLS: nothing a collection can carry

    def _oauth2(self, name: str, scheme: dict[str, Any], scope: str) -> Auth:
        params: list[tuple[str, str]] = [
            ("accessToken", "{{" + self._secret(name, scheme) + "}}"),
            ("addTokenTo", "header"),
            ("headerPrefix", "Bearer"),
            ("tokenName", name),
        ]
        flows = _dict(scheme.get("flows"))
        flow_name = next((f for f in _GRANTS if isinstance(flows.get(f), dict)), "")
        if flow_name:
            flow = flows[flow_name]
            params.append(("grant_type", _GRANTS[flow_name]))
            if flow.get("tokenUrl"):
                params.append(("accessTokenUrl", str(flow["tokenUrl"])))
            if flow.get("authorizationUrl"):
                params.append(("authUrl", str(flow["authorizationUrl"])))
            params.append(("clientId", "{{" + self._secret(name, scheme, "clientId") + "}}"))
            if flow_name != "implicit":
                secret = "{{" + self._secret(name, scheme, "clientSecret") + "}}"
                params.append(("clientSecret", secret))
                params.append(("client_authentication", "header"))
        if scope:
            params.append(("scope", scope))
        return Auth("oauth2", tuple(params), name)

    def _secret(self, name: str, scheme: dict[str, Any], part: str = "") -> str:
        key = variable_name(name, part)
        if key not in self.variables:
            env = secret_env_name(name, part)
            explicit = scheme.get("x-apikit-secret-env")  # a scheme may name its own
            if isinstance(explicit, str) and explicit.strip():
                env = explicit.strip() + env[len(secret_env_name(name)) :]
            what = {"": "credential", "username": "user name", "password": "password"}
            label = what.get(part, part)
            description = str(scheme.get("description") or "").strip()
            text = (
                f"Secret: the {label} for `{name}`. Never stored in files: set it in your"
                f" environment (apikit replay reads {env})."
            )
            if description:
                text += " " + description
            self.variables[key] = Variable(key, "", text, secret=True, env=env)
        return key


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
