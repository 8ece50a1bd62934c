"""The time-zone choice of a user's profile: the zones of the customers' world first, named in
the user's language, then every other zone grouped by region, each with its offset today.

Python has no translated zone names (Babel would bring CLDR's, for one select box), so the
common zones are a short translated table; the rest keep their IANA city names in English,
which is how the other zones are written in any case.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Kazakhstan, Russia and their neighbours (where Voronka's customers and their clients are),
# and the two hubs their travel goes through.
COMMON = {
    "UTC": _("UTC, universal time"),
    "Europe/Kaliningrad": _("Kaliningrad"),
    "Europe/Moscow": _("Moscow, Saint Petersburg"),
    "Europe/Minsk": _("Minsk"),
    "Europe/Kyiv": _("Kyiv"),
    "Europe/Istanbul": _("Istanbul"),
    "Europe/Volgograd": _("Volgograd"),
    "Europe/Samara": _("Samara"),
    "Asia/Tbilisi": _("Tbilisi"),
    "Asia/Yerevan": _("Yerevan"),
    "Asia/Baku": _("Baku"),
    "Asia/Dubai": _("Dubai"),
    "Asia/Yekaterinburg": _("Yekaterinburg"),
    "Asia/Almaty": _("Almaty, Astana"),
    "Asia/Qostanay": _("Kostanay"),
    "Asia/Aqtobe": _("Aktobe"),
    "Asia/Aqtau": _("Aktau"),
    "Asia/Atyrau": _("Atyrau"),
    "Asia/Oral": _("Oral"),
    "Asia/Qyzylorda": _("Kyzylorda"),
    "Asia/Tashkent": _("Tashkent"),
    "Asia/Dushanbe": _("Dushanbe"),
    "Asia/Ashgabat": _("Ashgabat"),
    "Asia/Bishkek": _("Bishkek"),
    "Asia/Omsk": _("Omsk"),
    "Asia/Novosibirsk": _("Novosibirsk"),
    "Asia/Krasnoyarsk": _("Krasnoyarsk"),
    "Asia/Irkutsk": _("Irkutsk"),
    "Asia/Yakutsk": _("Yakutsk"),
    "Asia/Vladivostok": _("Vladivostok"),
    "Asia/Magadan": _("Magadan"),
    "Asia/Kamchatka": _("Petropavlovsk-Kamchatsky"),
}

REGIONS = {
    "Europe": pgettext_lazy("time zones", "Europe"),
    "Asia": pgettext_lazy("time zones", "Asia"),
    "America": pgettext_lazy("time zones", "America"),
    "Africa": pgettext_lazy("time zones", "Africa"),
    "Australia": pgettext_lazy("time zones", "Australia"),
    "Pacific": pgettext_lazy("time zones", "Pacific Ocean"),
    "Atlantic": pgettext_lazy("time zones", "Atlantic Ocean"),
    "Indian": pgettext_lazy("time zones", "Indian Ocean"),
    "Antarctica": pgettext_lazy("time zones", "Antarctica"),
    "Arctic": pgettext_lazy("time zones", "Arctic"),
}


def offset(name: str, at: datetime.datetime) -> str:
    """«UTC+3», «UTC+5:30», «UTC−3» at the moment `at` (summer time counts)."""
    delta = at.astimezone(zoneinfo.ZoneInfo(name)).utcoffset() or datetime.timedelta(0)
    minutes = int(delta.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "\u2212"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def _city(name: str) -> str:
    """America/Argentina/Buenos_Aires → "Argentina / Buenos Aires"."""
    return name.split("/", 1)[1].replace("_", " ").replace("/", " / ")


def choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices: the common zones by offset, then each region's zones by name, then
    the other names Python knows ("Etc/GMT+3", "US/Eastern"), so any stored value stays valid."""
    now = timezone.now()
    known = zoneinfo.available_timezones() | {"UTC"}
    common = sorted(
        (name for name in COMMON if name in known),
        key=lambda name: (now.astimezone(zoneinfo.ZoneInfo(name)).utcoffset(), str(COMMON[name])),
    )
    groups = [
        (
            pgettext_lazy("time zones", "Common"),
            [(name, f"{COMMON[name]} ({offset(name, now)})") for name in common],
        )
    ]
    rest = sorted(name for name in known if "/" in name and name not in COMMON)
    for region, label in REGIONS.items():
        names = [name for name in rest if name.split("/", 1)[0] == region]
        groups.append((label, [(name, f"{_city(name)} ({offset(name, now)})") for name in names]))
    others = [name for name in rest if name.split("/", 1)[0] not in REGIONS]
    groups.append(
        (
            pgettext_lazy("time zones", "Other"),
            [(name, f"{name} ({offset(name, now)})") for name in others],
        )
    )
    return groups
