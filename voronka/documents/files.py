"""Safe files: the type read from the content (not the name nor what the browser claimed),
names cleaned for display, and how a file may be served.

Only images and PDFs (by their content) are shown inline; everything else, and SVG, HTML and
XML always, is served as a download with `nosniff` and a sandboxing policy."""

from __future__ import annotations

import re
import unicodedata

INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}
OCTET = "application/octet-stream"

_SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
]
_OFFICE = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_MARKUP = re.compile(rb"^\s*(?:<\?xml|<!doctype|<html|<svg|<script|<body|<head|<iframe)", re.I)


def detect_type(name: str, head: bytes) -> tuple[str, bool]:
    """(content type, may be shown inline) of a file from its first bytes."""
    for signature, mime in _SIGNATURES:
        if head.startswith(signature):
            return mime, mime in INLINE_TYPES
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", True
    if head.startswith(b"PK\x03\x04"):
        extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
        return _OFFICE.get(extension, "application/zip"), False
    stripped = head.lstrip(b"\xef\xbb\xbf")
    low = stripped[:1024].lower()
    if b"<svg" in low:
        return "image/svg+xml", False
    if _MARKUP.match(stripped):
        return ("application/xml" if low.lstrip().startswith(b"<?xml") else "text/html"), False
    if not head and name.lower().endswith((".png", ".jpg", ".jpeg", ".gif", ".webp")):
        # Our own images (the signature and stamp), looked up by name only.
        extension = name.rsplit(".", 1)[-1].lower().replace("jpg", "jpeg")
        return f"image/{extension}", True
    try:
        head.decode("utf-8")
        return "text/plain", False
    except UnicodeDecodeError:
        return OCTET, False


def is_inline(content_type: str) -> bool:
    return content_type in INLINE_TYPES


def clean_name(name: str) -> str:
    """A file name for display and for the download's Content-Disposition: the last part of
    any path (`../../etc/passwd` → `passwd`), no control characters, no leading dots; Cyrillic
    and other letters kept."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = name.strip().lstrip(".").strip()
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: 200 - len(extension) - 1] + dot + extension) if dot else name[:200]
    return name or "file"
