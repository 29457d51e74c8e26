"""Reading one LKE answer cell as what its indicator asks: an option, a whole count or a survey index."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from dossier.errors import Message, Numeral, Place, msg
from dossier.readers.safety import text
from dossier.rules import Edition, Indicator

WHOLE = re.compile(r"^\+?(\d+)(?:[.,]0{1,2})?$")  # "12", "12.0", "12,00"; "1.000" is a thousands separator
DECIMAL = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


class AnswerValues:
    """The answer-cell checks of the LKE readers; a bad value is an error naming the cell (`self.error`)."""

    if TYPE_CHECKING:  # what a reader using these checks provides
        edition: Edition

        def error(self, where: Place, code: str, what: Message, fix: Message | None = None, *,
                  indicator: str = "", flag: bool = True, kind: str = "") -> None: ...

    def choice(self, value, indicator: Indicator, where: Place, tpi: bool = False) -> str | None:
        """The option `value` names; `tpi`: the TPI's answer, said so in the problem."""
        written = text(value)
        key = next((k for k in indicator.option_keys if k.casefold() == written.casefold()), None)
        if key is None:
            said = {"written": written, "code": indicator.code}
            self.error(where, "lke.tpi_answer.not_option" if tpi else "lke.answer.not_option",
                       msg("TPI answer '{written}' for {code} is not an option", **said) if tpi
                       else msg("answer '{written}' for {code} is not an option", **said),
                       msg("expected one of {options}", options=", ".join(indicator.option_keys)), indicator=indicator.code)
        return key

    def count(self, value, label: str, where: Place, code: str) -> int | None:
        number = whole_number(value)
        if number is None:
            written = text(value)
            if isinstance(value, str) and re.fullmatch(r"\d{1,3}(\.\d{3})+", written):
                fix = msg("write it without a thousands separator ({plain})", plain=written.replace(".", ""))
            else:
                fix = msg("write a whole number, 0 or more")
            self.error(where, "lke.count.not_whole",
                       msg("count '{written}' for {label} is not a non-negative whole number", written=written, label=label),
                       fix, indicator=code)
        return number

    def index(self, value, code: str, where: Place) -> float | None:
        low, high = self.edition.index_min, self.edition.index_max
        written = text(value)
        if isinstance(value, bool) or isinstance(value, (datetime, date, time)):
            number = None
        elif isinstance(value, (int, float)):
            number = float(value)
        elif DECIMAL.match(written):
            number = float(written.replace(",", "."))
        else:
            number = None
        said = {"written": written, "code": code, "low": Numeral(low, 2), "high": Numeral(high, 2)}
        indicator = code.split(" ")[0]  # "HBA (TPI)" is about HBA
        if number is None:
            self.error(where, "lke.index.not_a_number", msg("index '{written}' for {code} is not a number", **said),
                       msg("write the survey index from {low} to {high}, e.g. 3,72", **said), indicator=indicator)
            return None
        if not low <= number <= high:
            self.error(where, "lke.index.out_of_range", msg("index '{written}' for {code} is outside {low}-{high}", **said),
                       msg("write the survey index on that scale, e.g. 3,72"), indicator=indicator)
            return None
        return number


def whole_number(value) -> int | None:
    """A non-negative whole number from a cell: 12, 12.0, '12', '12.0'; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    if isinstance(value, str):
        match = WHOLE.match(value.strip())
        return int(match.group(1)) if match else None
    return None
