"""Indonesian (Babel `id`) numbers, dates, number words and lists for documents (and numbers for the command line)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal
from num2words import num2words

LOCALE = "id"


# Scores are sums of float products: two equal true values may differ in the last bits of
# their floats (4.2646000000000001 and 4.2645999999999997). They are taken to this many
# places first, far below anything printed, so that equal values always print alike.
TRUE_PLACES = 9


def rounded(value: float | Decimal, places: int = 2) -> Decimal:
    """Round half up, once, as the official workbook shows it (Babel alone rounds half to even: 78,125 -> 78,12).

    Every printed value is its own true value rounded this way; nothing is apportioned, so a
    printed total may differ by 0,01 from the sum of its printed parts (the tables say so).
    """
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    exact = exact.quantize(Decimal(1).scaleb(-TRUE_PLACES), rounding=ROUND_HALF_UP)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def rounded_tree(nodes: dict[tuple[str, ...], float], places: int = 2) -> dict[tuple[str, ...], Decimal]:
    """Every node of a score tree as printed: each rounded on its own (see rounded)."""
    return {path: rounded(value, places) for path, value in nodes.items()}


def printed_gap(required: float | Decimal, reached: float | Decimal, places: int = 2) -> Decimal:
    """How much is missing, as printed: computed from the values, then rounded (never below 0)."""
    exact = Decimal(repr(float(required))) - Decimal(repr(float(reached)))
    return max(rounded(exact, places), Decimal(0))


ROUNDING_NOTE = "Angka dibulatkan dua desimal; jumlah bagian dapat berbeda 0,01 dari total yang tercetak."


def number(value: float | Decimal | None, places: int = 2, locale: str = LOCALE) -> str:
    """Format a number the Indonesian way: 78.125 -> '78,13'; None -> '-'. (`locale` "en": '78.13'.)"""
    if value is None:
        return "-"
    shown = rounded(value, places)
    shown = abs(shown) if shown == 0 else shown  # never "-0,00"
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(shown, pattern, locale=locale)


def distinct(reached: float, required: float, places: int = 2, locale: str = LOCALE) -> tuple[str, str, str]:
    """Format a reached value, its minimum and the gap with enough places that they differ.

    2.996 against 3.00 reads '2,996', '3,000', '0,004', never '3,00 < 3,00 (kurang 0,00)'.
    """
    while places < 6 and number(reached, places, locale) == number(required, places, locale):
        places += 1
    return (number(reached, places, locale), number(required, places, locale),
            number(printed_gap(required, reached, places), places, locale))


def spoken_locale() -> str:
    """The locale of the numbers the command line prints: the language it speaks (documents stay `id`)."""
    from dossier.i18n import language

    return "en" if language() == "en" else LOCALE


def percent(share: float | None, places: int = 0) -> str:
    """Format a share 0..1 as an Indonesian percentage, no space before the sign: 0.885 -> '88,5%' (places=1)."""
    return "-" if share is None else f"{number(share * 100, places)}%"


def long_date(value: date | None) -> str:
    """'12 Desember 2024'."""
    return _babel_date(value, "d MMMM y", locale=LOCALE) if value else "-"


def weekday(value: date | None) -> str:
    """'Kamis'."""
    return _babel_date(value, "EEEE", locale=LOCALE) if value else "-"


def day_month(value: date | None) -> str:
    """'12/12', as in 'Kamis (12/12)'."""
    return f"{value.day}/{value.month}" if value else "-"


def words(count: int) -> str:
    """Spell a whole number in Indonesian: 3 -> 'tiga', 21 -> 'dua puluh satu'."""
    return num2words(count, lang=LOCALE)


def join_list(items: list[str], last: str = "dan", sep: str = ", ") -> str:
    """Join items as an Indonesian list: 'A, B, dan C', or with sep='; ', last='serta': 'A; B; serta C'."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} {last} {items[1]}"
    return sep.join(items[:-1]) + f"{sep}{last} {items[-1]}"


# Words an Indonesian title keeps in lower case (conjunctions and prepositions; "and" of the LKE's English terms).
_LOWER_IN_TITLES = frozenset(
    "yang dan atau dari di ke untuk terhadap dengan dalam pada oleh sesuai bagi serta per antar and of".split()
)


def title_case(name: str) -> str:
    """An area name in consistent capitals: 'Birokrasi yang bersih dan akuntabel' -> 'Birokrasi yang Bersih dan Akuntabel'.

    Words already holding a capital (SDM, SPBE, WBK/WBBM, (IPAK)) are kept as written.
    """
    words = name.split(" ")
    result = []
    for i, word in enumerate(words):
        if i and word.casefold() in _LOWER_IN_TITLES:
            result.append(word.casefold())
        elif word[:1].islower():
            result.append(word[0].upper() + word[1:])
        else:
            result.append(word)
    return " ".join(result)


def tie(text: str) -> str:
    """Join the last two words with a no-break space, so a line never ends a heading or short text with one word alone."""
    head, space, last = str(text).rstrip().rpartition(" ")
    return f"{head}\u00a0{last}" if space and head and len(last) < 20 else str(text)
