"""Print the Russian catalogue's entries that still need a translation (make messages)."""

import polib

po = polib.pofile("locale/ru/LC_MESSAGES/django.po")
for entry in po.untranslated_entries() + po.fuzzy_entries():
    flag = "fuzzy " if "fuzzy" in entry.flags else ""
    print(f"{flag}{entry.msgctxt or ''}|{entry.msgid}|{entry.msgstr}")
