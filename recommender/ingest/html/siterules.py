"""A publisher's site rules: what the general reading cannot know about a site's templates.

The page importer is written for sites it has never seen, and gets most of them right; a
publisher onboarding its own site can say, in a small TOML file, where its template keeps what the
importer missed (`--site-rules FILE`, `RECOMMENDER_SITE_RULES`):

```toml
[[site]]
hosts = ["kabar.example"]            # the page URL's host, or a subdomain of one
canonical = true                     # false: the template's canonical URL is wrong on every page
drop = [".baca-juga", "div.iklan"]   # CSS selectors removed before anything is read
body = ["div.detail__body-text"]     # the story's text: these elements' blocks, in page order
keep_opening = false                 # true: short lines before its first sentence stay too
title = "h1.detail__title"           # the headline: this element's text
published = "meta[name='publishdate']@content"  # the time: an element's text or `@attribute`
                                     # (or a list, joined: ["span.tanggal", "span.jam"])
published_format = "%Y/%m/%d %H:%M:%S"  # how the template writes it, where no reading knows
timezone = "Asia/Jakarta"            # the zone of the site's times written without an offset
language = "id"                      # the site's language, whatever its pages declare
```

Every key but `hosts` is optional; a page of a host no rule names is read as without rules. A rule
is data, not code: it only narrows where the general reading looks. The file is checked whole when
loaded (syntax, unknown keys, selectors, zones), each error naming the file, the rule and the key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lxml.html import HtmlElement
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
)

# `selector@attribute`: the attribute's value instead of the element's text.
ATTRIBUTE = re.compile(r"^(?P<css>.+?)@(?P<attribute>[A-Za-z_:][\w:.-]*)$")
HOST = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9-]{1,63}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")

Selector = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class SiteRulesError(ValueError):
    """A site rules file that cannot be used, with what is wrong and where."""


class SiteRule(BaseModel):
    """One `[[site]]` table: the hosts it is for and what it says of their pages."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    hosts: tuple[str, ...] = Field(min_length=1)
    canonical: bool = True
    drop: tuple[Selector, ...] = ()
    body: tuple[Selector, ...] = ()
    keep_opening: bool = False
    title: Selector | None = None
    published: Selector | tuple[Selector, ...] | None = None
    published_format: str | None = None
    timezone: str | None = None
    language: str | None = None

    @field_validator("hosts")
    @classmethod
    def _hosts(cls, hosts: tuple[str, ...]) -> tuple[str, ...]:
        out = []
        for host in hosts:
            name = ascii_host(host.strip().lower().rstrip("."))
            if not HOST.match(name):
                raise ValueError(f"{host!r} is not a host name (write 'kabar.example', no scheme)")
            out.append(name)
        return tuple(out)

    @field_validator("drop", "body")
    @classmethod
    def _selectors(cls, selectors: tuple[str, ...]) -> tuple[str, ...]:
        for css in selectors:
            compiled(css)
        return selectors

    @field_validator("keep_opening")
    @classmethod
    def _opening(cls, keep: bool, info: ValidationInfo) -> bool:
        if keep and not info.data.get("body"):
            raise ValueError("it keeps the opening of the rule's `body`: name `body` too")
        return keep

    @field_validator("title", "published")
    @classmethod
    def _value_selector(cls, selector: str | tuple[str, ...] | None) -> Any:
        for one in (selector,) if isinstance(selector, str) else selector or ():
            compiled(split_attribute(one)[0])
        return selector

    @field_validator("published_format")
    @classmethod
    def _format(cls, written: str | None, info: ValidationInfo) -> str | None:
        if written is not None:
            if info.data.get("published") is None:
                raise ValueError("it says how `published` is written: name `published` too")
            check_format(written)
        return written

    @field_validator("timezone")
    @classmethod
    def _zone(cls, zone: str | None) -> str | None:
        if zone is not None:
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    f"unknown time zone {zone!r} (use an IANA name such as Asia/Jakarta)"
                ) from None
        return zone

    @field_validator("language")
    @classmethod
    def _language(cls, tag: str | None) -> str | None:
        if tag is not None and not LANGUAGE.match(tag):
            raise ValueError(f"{tag!r} is not a language tag (write 'id', 'en' or 'pt-BR')")
        return tag

    def drop_from(self, tree: HtmlElement) -> None:
        """Remove the elements `drop` names (their tails stay: text after them is not theirs)."""
        for css in self.drop:
            for element in compiled(css)(tree):
                if element.getparent() is not None:
                    element.drop_tree()

    def body_elements(self, tree: HtmlElement) -> list[HtmlElement]:
        """The elements `body` names, in page order, none inside another one."""
        found = {e for css in self.body for e in compiled(css)(tree)}
        return [e for e in tree.iter() if e in found and not _inside(e, found)]

    def title_of(self, tree: HtmlElement) -> str:
        """The text (or attribute) `title` names; "" when there is no such element."""
        return self.value_of(tree, self.title)

    def published_of(self, tree: HtmlElement) -> str:
        """The time's text: the value `published` names, or the values of its selectors joined
        by spaces (a date and a clock the template prints apart); "" when one is missing."""
        if not isinstance(self.published, tuple):
            return self.value_of(tree, self.published)
        values = [self.value_of(tree, selector) for selector in self.published]
        return " ".join(values) if all(values) else ""

    @property
    def published_selector(self) -> str:
        """`published` as written, for messages."""
        return (
            " + ".join(self.published)
            if isinstance(self.published, tuple)
            else self.published or ""
        )

    @staticmethod
    def value_of(tree: HtmlElement, selector: str | None) -> str:
        if selector is None:
            return ""
        css, attribute = split_attribute(selector)
        for element in compiled(css)(tree):
            value = element.get(attribute) if attribute else element.text_content()
            if value and value.strip():
                return " ".join(value.split())
        return ""


# A strptime directive. `%Z` is refused: strptime reads only "UTC", "GMT" and the machine's own
# zone names (the site's `timezone` says the zone instead).
FORMAT_DIRECTIVE = re.compile(r"%(.)")
DAY_PARTS = ({"Y", "y"}, {"m", "b", "B"}, {"d"})
CLOCK_PARTS = frozenset("HI")
# A day and a clock every directive can write, and read back as written.
SAMPLE_TIME = datetime(2026, 11, 10, 9, 15, 30, tzinfo=timezone(timedelta(hours=7)))


def check_format(written: str) -> None:
    """A ValueError unless `written` is a strptime format of a day (a year, a month, a day of
    the month) that reads back what it writes."""
    used = set(FORMAT_DIRECTIVE.findall(written))
    if "Z" in used:
        raise ValueError(f"{written!r} reads a zone's name (%Z): give the rule's `timezone`")
    if missing := [parts for parts in DAY_PARTS if not parts & used]:
        names = " or ".join("%" + d for d in sorted(missing[0]))
        raise ValueError(f"{written!r} names no {names}: a time needs its year, month and day")
    try:
        datetime.strptime(SAMPLE_TIME.strftime(written), written)
    except ValueError as exc:
        raise ValueError(f"{written!r} is not a strptime format ({exc})") from None


def formatted_time(raw: str, written: str) -> tuple[datetime, bool]:
    """`raw` read in the strptime format `written`, after words without digits that the format
    does not name ("Senin, 10/11/2026 09.15" read as "%d/%m/%Y %H.%M": a weekday in another
    language), and whether it holds a clock time; a ValueError where it does not match."""
    clock = bool(CLOCK_PARTS & set(FORMAT_DIRECTIVE.findall(written)))
    words = raw.split(" ")
    for start, word in enumerate(words):
        try:
            return datetime.strptime(" ".join(words[start:]), written), clock
        except ValueError:
            if any(character.isdigit() for character in word):
                break  # a number the format does not read: another writing, not a label
    raise ValueError(f"{raw!r} is not written as {written!r}")


def ascii_host(host: str) -> str:
    """A host as DNS writes it: a name with other letters in punycode ("bücher.example" is
    "xn--bcher-kva.example"), so a rule and a URL match however either writes it."""
    try:
        return host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return host  # not a host name: the caller says so


def _inside(element: HtmlElement, others: set[HtmlElement]) -> bool:
    return any(parent in others for parent in element.iterancestors())


def split_attribute(selector: str) -> tuple[str, str | None]:
    """`meta[name=x]@content` as its CSS and attribute; a selector without one as itself."""
    match = ATTRIBUTE.match(selector)
    if match and not match["css"].endswith(("[", "=")):
        return match["css"].strip(), match["attribute"]
    return selector, None


@cache
def compiled(css: str) -> Any:
    """The CSS selector as lxml's compiled XPath (per process: rules travel to extraction workers
    as strings); a ValueError saying why it is not one."""
    from cssselect import SelectorError
    from lxml.cssselect import CSSSelector

    try:
        return CSSSelector(css, translator="html")
    except SelectorError as exc:
        raise ValueError(f"{css!r} is not a CSS selector ({exc})") from None


@dataclass(frozen=True)
class SiteRules:
    """The rules of a file, found by a page URL's host."""

    rules: tuple[SiteRule, ...] = ()
    source: str = ""

    def for_url(self, url: str | None) -> SiteRule | None:
        """The rule of the URL's host, or of the nearest domain above it that a rule names."""
        host = ascii_host((urlsplit(url).hostname or "") if url else "")
        best: tuple[int, SiteRule] | None = None
        for rule in self.rules:
            for name in rule.hosts:
                if (host == name or host.endswith("." + name)) and (
                    best is None or len(name) > best[0]
                ):
                    best = (len(name), rule)
        return best[1] if best else None


def load(path: Path) -> SiteRules:
    """The site rules in a TOML file; SiteRulesError naming the file, rule and key at fault."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SiteRulesError(f"{path}: cannot read the site rules file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise SiteRulesError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise SiteRulesError(f"{path}: not valid TOML: {exc}") from None
    extra = sorted(set(document) - {"site"})
    if extra:
        raise SiteRulesError(f"{path}: unknown top-level keys {extra} (write [[site]] tables)")
    tables = document.get("site", [])
    if not isinstance(tables, list) or not tables:
        raise SiteRulesError(f"{path}: no [[site]] tables")
    rules = []
    seen: dict[str, int] = {}
    for number, table in enumerate(tables, start=1):
        where = f"{path}: [[site]] {number}"
        try:
            rule = SiteRule.model_validate(table)
        except ValidationError as exc:
            error = exc.errors()[0]
            key = ".".join(str(part) for part in error["loc"]) or "table"
            reason = error["msg"].removeprefix("Value error, ")
            if error["type"] in ("tuple_type", "list_type"):  # `hosts = "kabar.example"`
                reason = f'a list in brackets: {key.split(".")[0]} = ["…"]'
            raise SiteRulesError(f"{where}: {key}: {reason}") from None
        for host in rule.hosts:
            if host in seen:
                raise SiteRulesError(f"{where}: hosts: {host!r} is also [[site]] {seen[host]}'s")
            seen[host] = number
        rules.append(rule)
    return SiteRules(tuple(rules), str(path))
