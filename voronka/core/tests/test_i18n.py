"""The Russian catalogue is complete, compiled, and holds every string the code asks for."""

import ast
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale/ru/LC_MESSAGES/django.po"
MO = PO.with_suffix(".mo")

# The simple forms of a translatable string in our code: {% translate "…" %}, _("…"),
# gettext_lazy("…"), pgettext_lazy("ctx", "…"). Blocktranslate blocks are left to makemessages.
PATTERNS = [
    re.compile(r"""{%\s*translate\s+"((?:[^"\\]|\\.)*)"\s*(?:as \w+\s*)?%}"""),
    re.compile(r"""{%\s*translate\s+'((?:[^'\\]|\\.)*)'\s*(?:as \w+\s*)?%}"""),
    re.compile(r"""\b_\(\s*"((?:[^"\\]|\\.)*)"\s*\)"""),
    re.compile(r"""\bgettext(?:_lazy)?\(\s*"((?:[^"\\]|\\.)*)"\s*\)"""),
]
CONTEXT_PATTERN = re.compile(r"""pgettext_lazy\(\s*"([^"]+)"\s*,\s*"((?:[^"\\]|\\.)*)"\s*\)""")


def _catalogue() -> polib.POFile:
    return polib.pofile(str(PO))


def test_every_entry_is_translated_and_none_is_fuzzy():
    po = _catalogue()
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_the_compiled_catalogue_matches_the_source():
    compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.mofile(str(MO))}
    source = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in _catalogue().translated_entries()
    }
    assert compiled == source, "run `make messages` (or msgfmt) to compile django.mo"


def _source_files():
    root = Path(settings.BASE_DIR)
    for pattern in (
        "voronka/**/*.py",
        "voronka/**/*.html",
        "voronka/**/*.txt",
        "templates/**/*.html",
        "config/*.py",
    ):
        for path in root.glob(pattern):
            if "/tests/" not in str(path) and "/migrations/" not in str(path):
                yield path


def test_every_simple_string_of_the_code_is_in_the_catalogue():
    known = {(e.msgctxt, e.msgid) for e in _catalogue()}
    missing = set()
    for path in _source_files():
        text = path.read_text(encoding="utf-8")
        for pattern in PATTERNS:
            for msgid in pattern.findall(text):
                # Escapes (\n) read as Python reads them, non-ASCII text kept intact.
                msgid = ast.literal_eval(f'"{msgid}"') if "\\" in msgid else msgid
                if (None, msgid) not in known:
                    missing.add((str(path.relative_to(settings.BASE_DIR)), msgid))
        for context, msgid in CONTEXT_PATTERN.findall(text):
            if (context, msgid) not in known:
                missing.add((str(path.relative_to(settings.BASE_DIR)), msgid))
    assert sorted(missing) == [], "run `make messages` and translate the new strings"


@pytest.mark.parametrize("placeholder", [r"%\(\w+\)s", r"%s"])
def test_translations_keep_their_placeholders(placeholder):
    for entry in _catalogue().translated_entries():
        wanted = sorted(re.findall(placeholder, entry.msgid))
        if entry.msgstr:
            assert sorted(re.findall(placeholder, entry.msgstr)) == wanted, entry.msgid
