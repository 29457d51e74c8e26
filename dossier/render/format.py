"""Indonesian (Babel `id`) numbers, dates, number words and lists for documents."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal
from num2words import num2words

LOCALE = "id"


def number(value: float | None, places: int = 2) -> str:
    """Format a number the Indonesian way: 78.125 -> '78,13'; None -> '-'."""
    if value is None:
        return "-"
    # Half up, as Excel shows it (Babel alone rounds half to even: 78,125 -> 78,12).
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    rounded = abs(rounded) if rounded == 0 else rounded  # never "-0,00"
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(rounded, pattern, locale=LOCALE)


def distinct(reached: float, required: float, places: int = 2) -> tuple[str, str, str]:
    """Format a reached value, its minimum and the gap with enough places that they differ.

    2.996 against 3.00 reads '2,996', '3,000', '0,004', never '3,00 < 3,00 (kurang 0,00)'.
    """
    while places < 6 and number(reached, places) == number(required, places):
        places += 1
    gap = max(required - reached, 0.0)
    return number(reached, places), number(required, places), number(gap, places)


def percent(share: float | None, places: int = 0) -> str:
    """Format a share 0..1 as a percentage: 0.6 -> '60 %'."""
    return "-" if share is None else f"{number(share * 100, places)} %"


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
