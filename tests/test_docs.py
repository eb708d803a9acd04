"""Every setting is documented in docs/configuration.md and described; every CLI command has help."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.core import TyperGroup
from typer.testing import CliRunner

from recommender.cli import app
from recommender.settings import Settings
from tests.conftest import REPO

CONFIGURATION = REPO / "docs" / "configuration.md"


def test_every_setting_is_in_the_configuration_page() -> None:
    page = CONFIGURATION.read_text(encoding="utf-8")
    names = [f"RECOMMENDER_{name.upper()}" for name in Settings.fields()]
    assert len(names) > 40  # every group's fields, by their flat names
    missing = [name for name in names if f"`{name}`" not in page]
    assert not missing, f"settings missing from {CONFIGURATION.name}: {missing}"


def test_every_setting_has_a_description() -> None:
    undescribed = [name for name, field in Settings.fields().items() if not field.description]
    assert not undescribed, f"settings without a description: {undescribed}"


def commands(group: TyperGroup, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The path of every command and group under `group` (typer's command tree), itself included."""
    yield prefix
    for name, command in group.commands.items():
        if isinstance(command, TyperGroup):
            yield from commands(command, (*prefix, name))
        else:
            yield (*prefix, name)


CLI = typer.main.get_command(app)
assert isinstance(CLI, TyperGroup)
COMMANDS = list(commands(CLI))


def test_the_command_tree_is_complete() -> None:
    expected = {"build", "update", "serve", "query", "eval", "snapshots"}
    assert expected <= {path[0] for path in COMMANDS if path}
    assert {("snapshots", "list"), ("snapshots", "rollback")} <= set(COMMANDS)


@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(path) or "recommender")
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output
    assert result.output.count("\n") > 3  # a description and options, not just a usage line


def test_the_site_rules_examples_are_rules_the_loader_takes(tmp_path: Path) -> None:
    """The `[[site]]` examples of the importing page and of the module's own docs load, every key
    they show known to the loader (a renamed key would make them lie)."""
    import re

    from recommender.ingest.html import siterules

    sources = [REPO / "docs" / "importing.md", REPO / "recommender/ingest/html/siterules.py"]
    examples = [
        block
        for source in sources
        for block in re.findall(r"```toml\n(.*?)```", source.read_text(encoding="utf-8"), re.S)
        if "[[site]]" in block
    ]
    assert len(examples) >= 2
    for number, example in enumerate(examples):
        path = tmp_path / f"example-{number}.toml"
        path.write_text(example, encoding="utf-8")
        rule = siterules.load(path).rules[0]
        shown = set(re.findall(r"^(\w+) =", example, re.M))
        assert shown <= set(siterules.SiteRule.model_fields), shown
        assert rule.hosts == ("kabar.example",)
