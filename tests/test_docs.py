"""Every setting is documented in the README; every CLI command has help."""

from __future__ import annotations

from recommender.settings import Settings
from tests.conftest import REPO


def test_every_setting_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [
        f"RECOMMENDER_{name.upper()}"
        for name in Settings.model_fields
        if f"`RECOMMENDER_{name.upper()}`" not in readme
    ]
    assert not missing, f"undocumented settings: {missing}"


def test_every_setting_has_a_description() -> None:
    assert all(field.description for field in Settings.model_fields.values())
