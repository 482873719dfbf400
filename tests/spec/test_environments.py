"""Environments come from `servers`: names, read-only defaults, variables."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from apikit import load_spec
from apikit.errors import UsageError

WriteSpec = Callable[..., Path]


def test_environment_names_and_read_only_defaults(write_spec: WriteSpec) -> None:
    spec = load_spec(
        write_spec(
            "api.yaml",
            """
            openapi: 3.1.0
            info: {title: T, version: '1'}
            paths: {}
            servers:
              - {url: 'http://127.0.0.1:8000/v1', x-apikit-env: local}
              - {url: 'https://staging.example.com', description: Staging Area}
              - {url: 'https://example.com', x-apikit-env: production}
              - {url: 'https://example.com/beta', x-apikit-env: prod, x-apikit-read-only: false}
              - {url: 'https://{region}.example.com/{v}', x-apikit-env: regional,
                 x-apikit-read-only: true,
                 variables: {region: {default: eu}, v: {default: v2, enum: [v1, v2]}}}
              - {url: 'https://other.example.com'}
            """,
        )
    )
    envs = spec.environments()
    assert [e.name for e in envs] == [
        "local",
        "staging-area",
        "production",
        "prod",
        "regional",
        "server-6",
    ]
    assert [e.read_only for e in envs] == [False, False, True, False, True, False]
    assert envs[4].base_url == "https://eu.example.com/v2"
    assert envs[0].base_url == "http://127.0.0.1:8000/v1"


def test_unknown_environment_lists_the_known_ones(write_spec: WriteSpec) -> None:
    spec = load_spec(
        write_spec(
            "api.yaml",
            "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\n"
            "servers: [{url: 'http://a', x-apikit-env: local}, {url: 'http://b', x-apikit-env: prod}]\n",
        )
    )
    with pytest.raises(
        UsageError, match="unknown environment 'qa'; this spec defines: local, prod"
    ):
        spec.environment("qa")


def test_duplicate_names_are_made_unique(write_spec: WriteSpec) -> None:
    spec = load_spec(
        write_spec(
            "api.yaml",
            "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\n"
            "servers: [{url: 'http://a', description: Dev}, {url: 'http://b', description: dev}]\n",
        )
    )
    assert [e.name for e in spec.environments()] == ["dev", "dev-2"]


def test_no_servers_gives_one_default_environment(write_spec: WriteSpec) -> None:
    spec = load_spec(
        write_spec("api.yaml", "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths: {}\n")
    )
    (env,) = spec.environments()
    assert (env.name, env.url, env.read_only) == ("default", "/", False)
