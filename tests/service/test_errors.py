"""Every error the engine or the service raises on purpose has its HTTP status in one table."""

from __future__ import annotations

import inspect
from types import ModuleType

import pytest

import recommender.errors
import service.errors
from recommender.errors import ArticleNotFound, InvalidInput, RecommenderError
from service.errors import STATUS, status_of


def defined_errors(module: ModuleType) -> list[type[RecommenderError]]:
    """The RecommenderError subclasses a module defines (not those it imports)."""
    return [
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, RecommenderError)
        and cls is not RecommenderError
        and cls.__module__ == module.__name__
    ]


@pytest.mark.parametrize("module", [recommender.errors, service.errors], ids=lambda m: m.__name__)
def test_every_error_class_has_a_status(module: ModuleType) -> None:
    errors = defined_errors(module)
    assert errors
    missing = [cls.__name__ for cls in errors if cls not in STATUS]
    assert not missing, f"add {missing} to service.errors.STATUS"


def test_statuses_are_http_errors_and_codes_are_distinct() -> None:
    assert all(400 <= status < 600 for status in STATUS.values())
    codes = [cls.code for cls in STATUS]
    assert len(set(codes)) == len(codes)


def test_status_of_follows_the_class_hierarchy() -> None:
    class NarrowerInput(InvalidInput):
        pass

    assert status_of(ArticleNotFound("x")) == 404
    assert status_of(NarrowerInput("x")) == 422  # its nearest base's status
    assert status_of(RecommenderError("x")) == 500  # not in the table: a bug, not bad input
