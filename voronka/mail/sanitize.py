"""The HTML of a letter, made safe to show.

nh3 (the Ammonia sanitiser) keeps the formatting tags and drops scripts, event handlers,
`javascript:` and other dangerous links, forms, frames, SVG and MathML, `<style>` and
`style` attributes (CSS expressions and `url()` fetches go with them). Remote images are
replaced by a placeholder unless the reader asked for them for this letter; pictures sent
inside the letter (cid:) are shown from its attachments. The result is shown in a sandboxed
frame without scripts, served with a Content-Security-Policy that forbids everything but
images (views.message_body), so even a sanitiser's mistake would not run.
"""

from __future__ import annotations

import re

import nh3

TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "center", "code", "dd", "del", "div", "dl",
    "dt", "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "li",
    "ol", "p", "pre", "q", "s", "small", "span", "strike", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul",
}  # fmt: skip
ATTRIBUTES = {
    "*": {"align", "valign", "title", "dir", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "font": {"color", "size", "face"},
    "td": {"colspan", "rowspan", "width", "bgcolor"},
    "th": {"colspan", "rowspan", "width", "bgcolor"},
    "table": {"width", "border", "cellpadding", "cellspacing", "bgcolor"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel", "cid", "data"}
_IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")', re.I)
BLOCKED_IMAGE = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "src" and tag == "img":
        lowered = value.strip().lower()
        if lowered.startswith("data:") and not lowered.startswith(
            ("data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp")
        ):
            return None  # data:image/svg+xml and data:text/html may carry scripts
    if attribute == "href" and value.strip().lower().startswith("data:"):
        return None
    return value


def clean(html: str, *, cid_urls: dict[str, str], remote_images: bool) -> tuple[str, bool]:
    """Safe HTML and whether remote images were held back."""
    safe = nh3.clean(
        html or "",
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        attribute_filter=_attribute_filter,
    )
    blocked = False

    def image(match: re.Match) -> str:
        nonlocal blocked
        src = match.group(2)
        lowered = src.strip().lower()
        if lowered.startswith("cid:"):
            return match.group(1) + cid_urls.get(src.strip()[4:], BLOCKED_IMAGE) + match.group(3)
        if lowered.startswith("data:"):
            return match.group(0)
        if remote_images and lowered.startswith(("http://", "https://")):
            return match.group(0)
        blocked = True
        return match.group(1) + BLOCKED_IMAGE + match.group(3)

    return _IMG_SRC.sub(image, safe), blocked
