"""Text normalisation shared by search, duplicate detection and imports.

SQLite's LIKE and lower() fold only ASCII letters, so "иванов" would not find "Иванов".
Instead of relying on the database, Voronka folds text in Python (the same way for every
database) and stores the folded words in search-token tables (see `core.search`).
"""

import re

TOKEN_MAX_LENGTH = 64


def is_ascii_digits(value: str) -> bool:
    """Digits 0–9 only: "²".isdigit() is true, and int("²") fails."""
    return value.isascii() and value.isdigit()


_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
_PHONE_QUERY_RE = re.compile(r"^[\d\s()+\-.]+$")
# "romashka.kz", "st-christophers.co.uk": a domain, looked up whole (it ends like one).
_DOMAIN_RE = re.compile(r"^[^\W_]+(?:[.\-][^\W_]+)*\.[a-z]{2,6}$", re.IGNORECASE)
# A one-letter prefix matches a large share of every table; it is not a useful search.
MIN_TERM_LENGTH = 2


def fold(text: str) -> str:
    """Lower-case for comparison in any alphabet; ё and е are the same letter for search."""
    return (text or "").casefold().replace("ё", "е")


def words(text: str) -> list[str]:
    """Folded words of a text: letters and digits, split on everything else."""
    return [w[:TOKEN_MAX_LENGTH] for w in _WORD_RE.findall(fold(text))]


def digits(text: str) -> str:
    return "".join(ch for ch in text or "" if ch.isdigit())


def looks_like_phone(text: str) -> bool:
    return bool(_PHONE_QUERY_RE.match(text or "")) and len(digits(text)) >= 5


def query_terms(query: str, *, max_terms: int = 5) -> list[str]:
    """Split what a user typed in a search box into the prefixes every result must match.

    A phone number typed with spaces or brackets is one term (its digits); an e-mail
    address is one term; anything else is split into words.
    """
    query = (query or "").strip()
    if not query:
        return []
    if looks_like_phone(query):
        return [digits(query)[:TOKEN_MAX_LENGTH]]
    if " " not in query and ("@" in query or _DOMAIN_RE.match(query)):
        return [fold(query)[:TOKEN_MAX_LENGTH]]  # an e-mail address or a domain, whole
    terms = []
    for word in words(query):
        if len(word) >= MIN_TERM_LENGTH and word not in terms:
            terms.append(word)
    return terms[:max_terms]
