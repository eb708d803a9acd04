"""Editorial rules: pin an item, block items or sections, boost a section (a TOML file, validated).

```toml
[[pin]]                      # put an item at a fixed place in its widget section
item = "kn-1001"
position = 1                 # 1-based
sections = ["Nasional"]      # only under articles of these site sections   } neither: under
articles = ["kn-1003"]       # only under these articles                    } every article

[block]                      # never show these
items = ["kn-1005"]
sections = ["Gosip"]

[[boost]]                    # added to the score of every item of a site section
section = "Olahraga"
weight = 0.05
```

Rules touch editorial sections only: a sponsored item is never pinned, blocked or boosted by
them, and the sponsored section is ranked by its own rules (campaign windows) alone.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from recommender.articles import ID_RE
from recommender.errors import InvalidInput

log = logging.getLogger("recommender.serving.rules")


def _ids(values: list[str]) -> list[str]:
    bad = [v for v in values if not ID_RE.match(v)]
    if bad:
        raise ValueError(f"not valid item ids: {bad[:5]}")
    return values


class Pin(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item: str = Field(min_length=1, max_length=128)
    position: int = Field(1, ge=1, le=50)
    sections: list[str] = Field(default_factory=list)
    articles: list[str] = Field(default_factory=list)

    _check_articles = field_validator("articles")(_ids)

    @field_validator("item")
    @classmethod
    def _item_id(cls, value: str) -> str:
        return _ids([value])[0]


class Block(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[str] = Field(default_factory=list)
    sections: list[str] = Field(default_factory=list)

    _check_items = field_validator("items")(_ids)


class Boost(BaseModel):
    model_config = ConfigDict(extra="forbid")

    section: str = Field(min_length=1)
    weight: float = Field(ge=-1.0, le=1.0)


class RulesFile(BaseModel):
    """The whole rules file; unknown keys are errors (a typo must not silently do nothing)."""

    model_config = ConfigDict(extra="forbid")

    pin: list[Pin] = Field(default_factory=list)
    block: Block = Field(default_factory=Block)
    boost: list[Boost] = Field(default_factory=list)


def load_rules(path: Path | None) -> RulesFile:
    """Parse and validate a rules file; no path means no rules. Errors name the bad field."""
    if path is None:
        return RulesFile()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(f"cannot read rules file {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"rules file {path} is not valid TOML: {exc}") from exc
    try:
        return RulesFile.model_validate(raw)
    except ValidationError as exc:
        details = [
            {"field": ".".join(str(p) for p in e["loc"]), "reason": e["msg"]} for e in exc.errors()
        ]
        first = f"{details[0]['field']}: {details[0]['reason']}" if details else ""
        raise InvalidInput(f"rules file {path} is invalid ({first})", details=details) from exc


def _fold(values: Sequence[str]) -> frozenset[str]:
    return frozenset(v.casefold() for v in values)


@dataclass(frozen=True)
class CompiledPin:
    row: int
    position: int
    sections: frozenset[str]
    anchors: frozenset[int]
    everywhere: bool

    def applies(self, anchor_row: int, anchor_section: str) -> bool:
        return self.everywhere or anchor_row in self.anchors or anchor_section in self.sections


@dataclass
class Rules:
    """Rules resolved against one catalog: arrays by item row, pins by row."""

    blocked: npt.NDArray[np.bool_]
    boost: npt.NDArray[np.float64]
    pins: list[CompiledPin] = field(default_factory=list)

    @classmethod
    def compile(
        cls,
        spec: RulesFile,
        row_of: dict[str, int],
        sections: Sequence[str | None],
        editorial: npt.NDArray[np.bool_],
    ) -> Rules:
        """Resolve ids and sections; unknown ids are logged and ignored (the corpus moves on)."""
        n = len(sections)
        folded = [(s or "").casefold() for s in sections]
        blocked = np.zeros(n, dtype=bool)
        block_sections = _fold(spec.block.sections)
        if block_sections:
            blocked |= np.array([s in block_sections for s in folded], dtype=bool)
        for item in spec.block.items:
            if item in row_of:
                blocked[row_of[item]] = True
            else:
                log.warning("rules: blocked item %r is not in the snapshot", item)
        boost = np.zeros(n, dtype=np.float64)
        for b in spec.boost:
            key = b.section.casefold()
            boost += np.array([b.weight if s == key else 0.0 for s in folded])
        pins = []
        for p in spec.pin:
            row = row_of.get(p.item)
            if row is None or not editorial[row]:
                log.warning("rules: pinned item %r is unknown or sponsored; ignored", p.item)
                continue
            anchors = frozenset(row_of[a] for a in p.articles if a in row_of)
            pins.append(
                CompiledPin(
                    row,
                    p.position,
                    _fold(p.sections),
                    anchors,
                    everywhere=not p.sections and not p.articles,
                )
            )
        # Rules never touch sponsored items.
        blocked &= editorial
        boost = np.where(editorial, boost, 0.0)
        return cls(blocked, boost, pins)

    def pins_for(self, anchor_row: int, anchor_section: str | None) -> list[CompiledPin]:
        key = (anchor_section or "").casefold()
        return [p for p in self.pins if p.applies(anchor_row, key)]
