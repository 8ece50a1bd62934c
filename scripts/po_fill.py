"""Fill Russian translations given as `msgid<TAB>msgstr` lines on stdin (msgctxt: `ctx|msgid`)."""

import sys

import polib

po = polib.pofile("locale/ru/LC_MESSAGES/django.po")
wanted = {}
for line in sys.stdin:
    if "\t" in line:
        key, value = line.rstrip("\n").split("\t", 1)
        ctx, _, msgid = key.rpartition("|") if "|" in key else ("", "", key)
        wanted[(ctx or None, msgid)] = value
for entry in po:
    value = wanted.pop((entry.msgctxt, entry.msgid), None)
    if value is not None:
        entry.msgstr = value
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        # The fuzzy match's "previous" lines (#| …) would be stale, and a singular entry with a
        # previous msgid_plural does not compile.
        entry.previous_msgid = entry.previous_msgctxt = entry.previous_msgid_plural = None
po.save()
for key in wanted:
    print("not in the catalogue:", key, file=sys.stderr)
