"""The README documents every command, and its exit-code table matches the code."""

from __future__ import annotations

import re

import click

from apikit import errors
from apikit.cli import cli
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "apikit") -> list[str]:
    names = []
    for name, command in sorted(group.commands.items()):
        full = f"{prefix} {name}"
        if isinstance(command, click.Group):
            names += _commands(command, full)
        else:
            names.append(full)
    return names


def test_every_command_has_a_section_and_an_example() -> None:
    for command in _commands(cli):
        assert f"### `{command}" in README, f"no README section for {command}"
        assert re.search(rf"^\$ {re.escape(command)}\b", README, re.M), f"no example of {command}"


def test_exit_code_table_matches_the_error_classes() -> None:
    table = dict(re.findall(r"^\| (\d+) \| (.+?) \|$", README, re.M))
    codes = {
        cls.exit_code
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.ApikitError)
    }
    assert {0, 130, *codes} == {int(code) for code in table}
    assert "usage" in table["2"] and "reached" in table["3"]


def test_every_rule_is_documented() -> None:
    from apikit.validation import all_rule_ids

    for rule in all_rule_ids():
        assert f"| `{rule}` |" in README, rule
