"""Why a page was not imported: the field at fault and a reason a person can act on."""

from __future__ import annotations


class ExtractionError(Exception):
    """A page that cannot become an item (reported as `file:line: field: reason`)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
