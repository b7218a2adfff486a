"""The README stays true: every command, option, rule file and output column it must describe is in it."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from pipeline.cli import build_parser
from pipeline.model import CHECK_COLUMNS, CLAIM_COLUMNS, FLAG_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no subcommands")


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_every_command_is_documented_and_has_help(name: str) -> None:
    assert f"vnclaims {name}" in README
    assert _subcommands()[name].format_help().strip()


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "rules").glob("*.yaml")))
def test_every_rule_file_is_documented(name: str) -> None:
    assert f"rules/{name}" in README


@pytest.mark.parametrize("column", CLAIM_COLUMNS + CHECK_COLUMNS + FLAG_COLUMNS)
def test_every_output_column_is_documented(column: str) -> None:
    assert f"`{column}`" in README


def test_readme_commands_are_the_ones_ci_runs() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash scripts/test.sh" in README and "scripts/test.sh" in ci
