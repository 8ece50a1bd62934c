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
        entry.previous_msgid = entry.previous_msgctxt = None
po.save()
for key in wanted:
    print("not in the catalogue:", key, file=sys.stderr)
