"""Which reported events are stored: only what a verified token says was served, with the
catalogue (never the client) saying whether an item is sponsored, by whom and under which label."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from recommender.events.store import Event, ServedList
from recommender.events.tokens import EventRejected, Served
from recommender.serving.catalog import Catalog

# Crawlers and link previewers that run the widget: counted, never stored. Deliberately narrow:
# a headless browser or an HTTP library may be a real reader's client or a publisher's check.
BOT_USER_AGENT = re.compile(
    r"(?:bot|crawler|spider)\b|slurp|bingpreview|facebookexternalhit|mediapartners-google"
    r"|feedfetcher|ia_archiver",
    re.IGNORECASE,
)


def is_bot(user_agent: str | None) -> bool:
    return bool(user_agent) and BOT_USER_AGENT.search(user_agent or "") is not None


@dataclass(frozen=True)
class Reported:
    """One event as the widget reports it."""

    kind: str
    section: str
    item_id: str
    position: int


def accept(
    served: Served,
    article_id: str,
    page_view: str,
    reported: Sequence[Reported],
    catalog: Catalog,
    sponsored_section: str,
    default_label: str,
    at: str,
) -> list[Event]:
    """The events to store for a batch, or `EventRejected` for the whole batch (nothing stored)."""
    if served.article_id != article_id:
        raise EventRejected("article_mismatch", "the event token was issued for another article")
    out = []
    for e in reported:
        if served.item_at(e.section, e.position) != e.item_id:
            raise EventRejected(
                "not_served",
                f"{e.item_id!r} was not served at position {e.position} of {e.section!r}",
            )
        row = catalog.row_of.get(e.item_id)
        if row is None:
            raise EventRejected("unknown_item", f"{e.item_id!r} is not in the loaded snapshot")
        sponsor = catalog.records[row].get("sponsor")
        if bool(sponsor) != (e.section == sponsored_section):
            raise EventRejected(
                "not_served", f"{e.item_id!r} does not belong in section {e.section!r}"
            )
        out.append(
            Event(
                at=at,
                kind=e.kind,
                page_view=page_view,
                article_id=article_id,
                snapshot=served.snapshot,
                section=e.section,
                item_id=e.item_id,
                position=e.position,
                sponsored=bool(sponsor),
                label=(sponsor.get("label") or default_label) if sponsor else None,
                sponsor=str(sponsor["name"]) if sponsor else None,
                # A click keeps the history its answer was personalised with (co-reading).
                history=",".join(served.history) if e.kind == "click" and served.history else None,
                experiment=served.experiment,
                arm=served.arm_at(e.section, e.position),
            )
        )
    return out


def served_lists(
    served: Served, page_view: str, article_id: str, events: Sequence[Event], at: str
) -> list[ServedList]:
    """What the token says each editorial section with one of `events` showed (the replay's
    impressions: recommender.replay.eventlog)."""
    sections = sorted({e.section for e in events if not e.sponsored})
    return [ServedList(page_view, s, at, article_id, served.sections.get(s, ())) for s in sections]
