"""The configured currencies: which exist, the default one of a new deal and the base one
everything is totalled in. Read from settings only (the models' choices use it)."""

from django.conf import settings


def currency_choices() -> list[tuple[str, str]]:
    return [(code, code) for code in settings.VORONKA["CURRENCIES"]]


def default_currency() -> str:
    return settings.VORONKA["DEFAULT_CURRENCY"]


def base_currency() -> str:
    """The organisation's currency: what totals, the board and reports are shown in."""
    return settings.VORONKA["BASE_CURRENCY"].strip().upper()


def rate_currencies() -> list[str]:
    """The configured currencies that need a rate: all of them but the base one."""
    base = base_currency()
    codes = [code.strip().upper() for code in settings.VORONKA["CURRENCIES"]]
    return [code for code in dict.fromkeys(codes) if code and code != base]
