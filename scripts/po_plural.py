"""Fill a Russian plural translation: `msgid<TAB>one<TAB>few<TAB>many` lines on stdin (the
fourth form, for fractions, repeats "few")."""

import sys

import polib

po = polib.pofile("locale/ru/LC_MESSAGES/django.po")
wanted = {}
for line in sys.stdin:
    parts = line.rstrip("\n").split("\t")
    if len(parts) == 4:
        wanted[parts[0]] = parts[1:]
for entry in po:
    forms = wanted.pop(entry.msgid, None)
    if forms is not None and entry.msgid_plural:
        one, few, many = forms
        entry.msgstr_plural = {0: one, 1: few, 2: many, 3: few}
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = None
po.save()
for msgid in wanted:
    print(f"not found: {msgid}", file=sys.stderr)
