"""Docs that cannot drift: every command has help with an example and is in the README."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cepledger.cli.app import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(typer_app: typer.Typer, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for info in typer_app.registered_commands:
        found.append((*prefix, info.name or info.callback.__name__))
    for group in typer_app.registered_groups:
        found.extend(_commands(group.typer_instance, (*prefix, group.name)))
    return found


COMMANDS = _commands(app)


def test_the_command_list_is_complete():
    names = {" ".join(c) for c in COMMANDS}
    for expected in ("init", "member add", "member enrol", "member list", "add", "void", "log",
                     "status", "summary", "check", "programs"):
        assert expected in names


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_every_command_is_in_the_readme(command):
    assert f"cep {' '.join(command)}" in README, f"README.md never shows `cep {' '.join(command)}`"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output


def test_readme_starts_with_the_two_setup_commands():
    head = README[:600]
    assert "make run" in head and "make test" in head
