"""Amounts in words as Russian (and Kazakh) accounting writes them: «Три тысячи рублей
00 копеек» — the whole units in words with the currency in its right form, the kopecks in
figures with theirs."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from num2words import num2words

# Currency: (one, few, many) of the unit and of the hundredth, Russian.
_RU_FORMS = {
    "RUB": (("рубль", "рубля", "рублей"), ("копейка", "копейки", "копеек")),
    "KZT": (("тенге", "тенге", "тенге"), ("тиын", "тиына", "тиынов")),
    "USD": (("доллар США", "доллара США", "долларов США"), ("цент", "цента", "центов")),
    "EUR": (("евро", "евро", "евро"), ("евроцент", "евроцента", "евроцентов")),
    "GBP": (
        ("фунт стерлингов", "фунта стерлингов", "фунтов стерлингов"),
        ("пенс", "пенса", "пенсов"),
    ),
    "CNY": (("юань", "юаня", "юаней"), ("фэнь", "фэня", "фэней")),
    "TRY": (("турецкая лира", "турецкие лиры", "турецких лир"), ("куруш", "куруша", "курушей")),
    "AED": (("дирхам", "дирхама", "дирхамов"), ("филс", "филса", "филсов")),
}
_KZ_FORMS = {
    "KZT": ("теңге", "тиын"),
    "RUB": ("рубль", "тиын"),
    "USD": ("АҚШ доллары", "цент"),
    "EUR": ("еуро", "цент"),
}
# Feminine currencies take «одна», «две» (num2words writes the masculine).
_FEMININE = {"TRY"}


def plural_form(number: int, forms: tuple[str, str, str]) -> str:
    """The Russian form of a noun after a number: 1 рубль, 2 рубля, 5 рублей, 11 рублей."""
    number = abs(number)
    if number % 10 == 1 and number % 100 != 11:
        return forms[0]
    if 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
        return forms[1]
    return forms[2]


def _split(amount: Decimal) -> tuple[int, int]:
    cents = int((Decimal(amount) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return cents // 100, cents % 100


def _feminine(words: str) -> str:
    parts = words.split(" ")
    if parts and parts[-1] == "один":
        parts[-1] = "одна"
    elif parts and parts[-1] == "два":
        parts[-1] = "две"
    return " ".join(parts)


def amount_in_words(amount: Decimal, currency: str, *, language: str = "ru") -> str:
    """«Три тысячи рублей 00 копеек»; in Kazakh «Үш мың теңге 00 тиын»."""
    whole, cents = _split(amount)
    if language == "kk":
        unit, sub = _KZ_FORMS.get(currency, (currency, ""))
        words = num2words(whole, lang="kz")
        text = f"{words} {unit} {cents:02d} {sub}".strip()
        return text[:1].upper() + text[1:]
    forms = _RU_FORMS.get(currency)
    words = num2words(whole, lang="ru")
    if currency in _FEMININE:
        words = _feminine(words)
    if forms is None:
        text = f"{words} {currency} {cents:02d}"
    else:
        unit, sub = forms
        text = f"{words} {plural_form(whole, unit)} {cents:02d} {plural_form(cents, sub)}"
    return text[:1].upper() + text[1:]


def count_in_words(count: int) -> str:
    return num2words(count, lang="ru")
