"""Reading a letter as it came from the server, whatever shape it is in.

Real mail is often broken: no charset or a wrong one (KOI8-R and Windows-1251 are common in
Russian mail), raw 8-bit bytes in headers, base64 that does not decode, a missing boundary,
a date nobody can read. `parse()` never raises: it reads what it can, says what it could not
(`problems`), and the original bytes are kept beside it, so nothing is lost.
"""

from __future__ import annotations

import codecs
import datetime
import email
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from email.header import Header, decode_header
from email.message import Message as EmailMessage
from email.utils import getaddresses, parsedate_to_datetime

from django.utils import timezone

# Text and HTML past this size are cut in the database (the original keeps all of it).
MAX_BODY = 1_000_000
MAX_ATTACHMENTS = 200
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_CYRILLIC_LOWER = re.compile("[а-яё]")
_CYRILLIC_UPPER = re.compile("[А-ЯЁ]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    payload: bytes
    content_id: str = ""
    inline: bool = False


@dataclass
class Parsed:
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    subject: str = ""
    from_name: str = ""
    from_address: str = ""
    to: list[tuple[str, str]] = field(default_factory=list)
    cc: list[tuple[str, str]] = field(default_factory=list)
    date: datetime.datetime | None = None
    text: str = ""
    html: str = ""
    attachments: list[ParsedAttachment] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def message_key(message_id: str) -> str:
    return hashlib.sha256(message_id.strip().lower().encode("utf-8", "replace")).hexdigest()


def _codec(charset: str | None) -> str | None:
    if not charset:
        return None
    charset = charset.strip().strip('"').lower()
    aliases = {"unknown-8bit": None, "x-unknown": None, "cp-1251": "cp1251", "win-1251": "cp1251"}
    if charset in aliases:
        return aliases[charset]
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None


def guess_decode(data: bytes) -> str:
    """Bytes of unknown encoding: UTF-8 if they are, else the Cyrillic single-byte encoding
    that reads as more natural text (Russian text is mostly lower case: KOI8-R puts lower case
    letters where Windows-1251 has capitals, and the other way round)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # UTF-8 cut in the middle of a letter (a byte lost at a line's end) is still UTF-8.
    loose = data.decode("utf-8", errors="replace")
    if loose.count("\ufffd") <= max(2, len(loose) // 50):
        return loose
    best, best_score = None, -1
    for encoding in ("cp1251", "koi8_r"):
        text = data.decode(encoding, errors="replace")
        score = len(_CYRILLIC_LOWER.findall(text)) - len(_CYRILLIC_UPPER.findall(text))
        if score > best_score:
            best, best_score = text, score
    return best if best is not None else data.decode("latin-1")


def decode_bytes(data: bytes, charset: str | None) -> str:
    codec = _codec(charset)
    if codec:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            return (
                guess_decode(data)
                if codec in ("ascii", "utf-8")
                else data.decode(codec, errors="replace")
            )
    return guess_decode(data)


def decode_header_value(value) -> str:
    """A header as text: RFC 2047 words decoded, raw 8-bit bytes guessed, no line breaks."""
    if value is None:
        return ""
    if isinstance(value, Header):
        chunks = decode_header(value)
    else:
        value = str(value)
        if any("\udc80" <= ch <= "\udcff" for ch in value):
            value = guess_decode(value.encode("ascii", "surrogateescape"))
        try:
            chunks = decode_header(value)
        except Exception:
            chunks = [(value, None)]
    parts = []
    previous_encoded = None
    for chunk, charset in chunks:
        text = decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk
        encoded = charset is not None
        # decode_header drops the blanks between an encoded word and plain text beside it
        # ("=?utf-8?b?…?= 30 =?utf-8?b?…?=" → "на30человек"); put one back, as make_header does.
        if (
            parts
            and previous_encoded is not None
            and encoded != previous_encoded
            and not parts[-1][-1:].isspace()
            and not text[:1].isspace()
        ):
            parts.append(" ")
        parts.append(text)
        previous_encoded = encoded
    text = "".join(parts)
    return " ".join(_CONTROL.sub(" ", text).split())


def _header(msg: EmailMessage, name: str) -> str:
    try:
        values = msg.get_all(name) or []
    except Exception:
        return ""
    return decode_header_value(values[0]) if values else ""


def _addresses(msg: EmailMessage, name: str) -> list[tuple[str, str]]:
    try:
        values = [decode_header_value(v) for v in (msg.get_all(name) or [])]
        pairs = getaddresses(values)
    except Exception:
        return []
    found = []
    for display, address in pairs:
        address = address.strip().strip("<>").lower()
        if "@" in address and len(address) <= 320 and " " not in address:
            found.append((display.strip()[:255], address))
    return found


def _ids(value: str) -> list[str]:
    return _MESSAGE_ID.findall(value or "")


def _date(value: str) -> datetime.datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=datetime.UTC)
    if not (1980 <= parsed.year <= 2200):
        return None
    return parsed


def _filename(part: EmailMessage, index: int, content_type: str) -> str:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    if name is None:
        # Old mailers put the name in the type's parameter only.
        name = part.get_param("name", header="content-type")
        if isinstance(name, tuple):
            name = email.utils.collapse_rfc2231_value(name)
    name = decode_header_value(name) if name else ""
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip(" .")
    if not name:
        extension = {"message/rfc822": "eml", "text/html": "html", "text/plain": "txt"}
        name = f"attachment-{index}.{extension.get(content_type, 'bin')}"
    return name[:200]


def _payload(part: EmailMessage) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if payload is None:
        inner = part.get_payload()
        if isinstance(inner, list):  # message/rfc822: the letter inside, as it was
            try:
                return b"".join(m.as_bytes() for m in inner)
            except Exception:
                return b""
        if isinstance(inner, str):
            return inner.encode("utf-8", "surrogateescape")
        return b""
    return payload


def parse(raw: bytes) -> Parsed:
    result = Parsed()
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    except Exception as error:  # the stdlib parser is lenient; this is the last guard
        result.problems.append(f"unreadable: {error}")
        result.text = guess_decode(raw[:MAX_BODY])
        result.message_id = f"<{hashlib.sha256(raw).hexdigest()}@voronka.invalid>"
        return result
    for defect in getattr(msg, "defects", [])[:5]:
        result.problems.append(type(defect).__name__)

    result.message_id = (_ids(_header(msg, "Message-ID")) or [""])[0][:995]
    if not result.message_id:
        # A letter without an id still needs one to thread replies to and to be stored once.
        result.message_id = f"<{hashlib.sha256(raw).hexdigest()}@voronka.invalid>"
    result.in_reply_to = (_ids(_header(msg, "In-Reply-To")) or [""])[0]
    result.references = _ids(_header(msg, "References"))[-50:]
    result.subject = _header(msg, "Subject")[:500]
    sender = _addresses(msg, "From") or _addresses(msg, "Sender")
    if sender:
        result.from_name, result.from_address = sender[0]
    elif _header(msg, "From"):
        result.from_name = _header(msg, "From")[:255]
    result.to = _addresses(msg, "To")[:200]
    result.cc = _addresses(msg, "Cc")[:200]
    result.date = _date(_header(msg, "Date"))

    texts, htmls = [], []
    try:
        parts = list(msg.walk())
    except Exception as error:
        result.problems.append(f"structure: {error}")
        parts = [msg]
    for index, part in enumerate(parts, start=1):
        try:
            _read_part(part, index, texts, htmls, result)
        except Exception as error:  # one broken part must not cost the rest of the letter
            result.problems.append(f"part {index}: {type(error).__name__}")
    text, html = "\n\n".join(texts), "\n".join(htmls)
    if len(text) > MAX_BODY or len(html) > MAX_BODY:
        result.problems.append("cut: the text is longer than the CRM shows")
    result.text, result.html = text[:MAX_BODY], html[:MAX_BODY]
    return result


def _read_part(part, index: int, texts: list, htmls: list, result: Parsed) -> None:
    if part.is_multipart():
        return
    content_type = (part.get_content_type() or "text/plain").lower()
    disposition = (part.get("Content-Disposition") or "").split(";", 1)[0].strip().lower()
    has_name = bool(part.get_filename() or part.get_param("name", header="content-type"))
    is_body = content_type in ("text/plain", "text/html") and disposition != "attachment"
    if is_body and not (has_name and disposition == "inline" and texts + htmls):
        data = _payload(part)
        decoded = decode_bytes(data, part.get_content_charset())
        (htmls if content_type == "text/html" else texts).append(decoded)
        return
    if len(result.attachments) >= MAX_ATTACHMENTS:
        result.problems.append("too many attachments")
        return
    content_id = (part.get("Content-ID") or "").strip().strip("<>")[:255]
    result.attachments.append(
        ParsedAttachment(
            filename=_filename(part, index, content_type),
            content_type=content_type[:255],
            payload=_payload(part),
            content_id=content_id,
            inline=disposition == "inline" or bool(content_id and disposition != "attachment"),
        )
    )
