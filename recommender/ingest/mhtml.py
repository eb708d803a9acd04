"""Pages saved as one MHTML file (`*.mhtml`, `*.mht`: Chrome's and Edge's "Webpage, Single
File"): a MIME `multipart/related` archive (RFC 2557) of the page's HTML and its images, styles
and frames.

The page is the archive's first `text/html` part (its root; later ones are frames), decoded from
its transfer encoding (quoted-printable, base64) with its declared charset; its address is the
part's `Content-Location`, or the archive's `Snapshot-Content-Location`: where the browser
fetched it, which the page importer treats as the URL a page was fetched from. Read with the
standard library's MIME parser.
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from email.message import EmailMessage

from recommender.ingest.html.errors import ExtractionError
from recommender.ingest.links import is_url

SUFFIXES = (".mhtml", ".mht")


@dataclass(frozen=True)
class SavedPage:
    html: bytes
    charset: str | None
    url: str | None


def saved_page(data: bytes) -> SavedPage:
    """The HTML document an MHTML archive holds, its charset and its address (raises
    ExtractionError(`page`) for a file that is no such archive)."""
    if not data.strip():
        # as an empty HTML page is refused (page.parse)
        raise ExtractionError("body", "no article text found in the page (the file is empty)")
    message = email.message_from_bytes(data, policy=email.policy.default)
    if not isinstance(message, EmailMessage) or not message.is_multipart():
        raise ExtractionError(
            "page", "not an MHTML archive (no multipart/related MIME document): save the page again"
        )
    part = next((p for p in message.walk() if p.get_content_type() == "text/html"), None)
    if part is None:
        raise ExtractionError("page", "an MHTML archive without an HTML document in it")
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes) or not payload.strip():
        raise ExtractionError("body", "no article text found in the page (its HTML part is empty)")
    # An http(s) address (not a `cid:` part's), the page's own before the archive's.
    addresses = (part.get("Content-Location"), message.get("Snapshot-Content-Location"))
    url = next(
        (str(a).strip() for a in addresses if a is not None and is_url(str(a).strip())), None
    )
    return SavedPage(payload, part.get_content_charset(), url)
