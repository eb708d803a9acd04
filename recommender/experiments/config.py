"""`RECOMMENDER_EXPERIMENTS_FILE`: interleaving experiments, checked when the service starts.

The file is TOML. Each top-level table is an experiment; each of its tables is an arm, whose keys
override settings of the ranking group (`RankingSettings`) for that arm's lists:

    [fresher]                   # experiment "fresher"
    [fresher.control]           # arm "control": the configured ranking as it is
    [fresher.fresh]             # arm "fresh"
    freshness_weight = 0.3

An experiment needs at least two arms. Unknown experiment or arm names, unknown settings and bad
values are refused with the file, the place and the reason. A page view takes part in one
experiment, chosen from its id (`Experiments.for_page_view`); several experiments split the
traffic evenly.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from recommender.errors import InvalidInput
from recommender.settings import RankingSettings

NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
MAX_ARMS = 8  # a token carries the team of each shown item; more arms make no sense per page
NOT_PER_ARM = frozenset({"experiments_file"})


@dataclass(frozen=True)
class Arm:
    name: str
    ranking: RankingSettings


@dataclass(frozen=True)
class Experiment:
    name: str
    arms: tuple[Arm, ...]

    @property
    def arm_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.arms)


@dataclass(frozen=True)
class Experiments:
    """The configured experiments (none: interleaving is off)."""

    experiments: tuple[Experiment, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.experiments)

    def for_page_view(self, page_view: str) -> Experiment | None:
        """The experiment a page view takes part in (the same one every time it is asked)."""
        if not self.experiments:
            return None
        digest = hashlib.sha256(f"experiment:{page_view}".encode()).digest()
        return self.experiments[int.from_bytes(digest[:8], "big") % len(self.experiments)]

    def by_name(self, name: str) -> Experiment | None:
        return next((e for e in self.experiments if e.name == name), None)


def _refuse(path: Path, where: str, reason: str) -> InvalidInput:
    return InvalidInput(f"{path}: {where}: {reason}", details=[{"field": where, "reason": reason}])


def _arm(path: Path, experiment: str, name: str, raw: Any, base: RankingSettings) -> Arm:
    where = f"{experiment}.{name}"
    if not NAME.match(name):
        raise _refuse(path, where, "an arm name is lowercase letters, digits, '-' or '_'")
    if not isinstance(raw, dict):
        raise _refuse(path, where, "an arm is a table of ranking settings")
    known = set(RankingSettings.model_fields) - NOT_PER_ARM
    unknown = sorted(set(raw) - known)
    if unknown:
        raise _refuse(
            path,
            f"{where}.{unknown[0]}",
            f"unknown ranking setting (known: {', '.join(sorted(known))})",
        )
    try:
        ranking = RankingSettings.model_validate({**base.model_dump(), **raw})
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = ".".join(str(part) for part in first["loc"])
        raise _refuse(path, f"{where}.{field}", first["msg"]) from None
    return Arm(name, ranking)


def load_experiments(base: RankingSettings) -> Experiments:
    """The experiments of `base.experiments_file` (none when unset), each arm's ranking being
    `base` with the arm's overrides; raises `InvalidInput` naming what is wrong."""
    path = base.experiments_file
    if path is None:
        return Experiments()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read experiments file {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"{path}: not valid TOML: {exc}") from exc
    experiments = []
    for name, arms in data.items():
        if not NAME.match(name):
            raise _refuse(path, name, "an experiment name is lowercase letters, digits, '-' or '_'")
        if not isinstance(arms, dict) or not 2 <= len(arms) <= MAX_ARMS:
            raise _refuse(path, name, f"an experiment is a table of 2 to {MAX_ARMS} arms")
        experiments.append(
            Experiment(name, tuple(_arm(path, name, arm, raw, base) for arm, raw in arms.items()))
        )
    if not experiments:
        raise InvalidInput(f"{path}: no experiment (unset EXPERIMENTS_FILE to run none)")
    return Experiments(tuple(experiments))
