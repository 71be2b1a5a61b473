"""Reading one row's cells as typed values, collecting each cell's problem by column."""

from __future__ import annotations

import enum
import re
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from tacenter.records.parsing import Row
from tacenter.vocab import STATES

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
YES, NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0"}
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y")


class Cells:
    def __init__(self, row: Row, tz: str):
        self.row, self.tz = row, tz

    def problem(self, name: str, message: str) -> None:
        if not any(column == name for column, _ in self.row.problems):  # one problem a cell: the first
            self.row.problems.append((name, message))

    @property
    def ok(self) -> bool:
        return not self.row.problems

    def text(self, name: str, max_len: int = 200, *, required: bool = False) -> str:
        value = self.row.values.get(name, "")
        if required and not value:
            self.problem(name, "is empty")
        elif len(value) > max_len:
            self.problem(name, f"is longer than {max_len} characters")
        return value[:max_len]

    def choice(self, name: str, enum_cls: type[enum.Enum], default: str | None = None, *, required=False):
        """An enum's value, given as the value or its label, in any case."""
        given = self.text(name, 60, required=required).strip().lower()
        if not given:
            return default
        for member in enum_cls:
            label = getattr(member, "label", member.value)
            if given in (member.value, label.lower()):
                return member.value
        self.problem(name, f"“{given}” is not one of: {', '.join(m.value for m in enum_cls)}")
        return default

    def state(self, name: str) -> str:
        code = self.text(name, 2 + 40, required=True).strip().upper()
        if code and code not in STATES:
            self.problem(name, f"“{code}” is not a state or territory code")
        return code

    def states(self, name: str) -> str:
        codes = [c.strip().upper() for c in self.text(name).split(";") if c.strip()]
        unknown = [c for c in codes if c not in STATES]
        if unknown:
            self.problem(name, f"unknown state: {', '.join(unknown)}")
        return ";".join(codes)

    def yes_no(self, name: str, default: bool) -> bool:
        given = self.text(name, 10).strip().lower()
        if not given:
            return default
        if given in YES | NO:
            return given in YES
        self.problem(name, "is not yes or no")
        return default

    def email(self, name: str, *, required: bool = False) -> str:
        value = self.text(name, 254, required=required).strip().lower()
        if value and not EMAIL.match(value):
            self.problem(name, "is not an email address")
        return value

    def day(self, name: str, *, required: bool = False) -> date | None:
        given = self.text(name, 40, required=required).strip()
        if not given:
            return None
        try:
            return date.fromisoformat(given[:10])
        except ValueError:
            pass
        for fmt in DATE_FORMATS:
            try:
                return datetime.strptime(given[:10] if fmt == "%Y-%m-%d" else given, fmt).date()
            except ValueError:
                continue
        self.problem(name, f"“{given}” is not a date (use 2024-03-05)")
        return None

    def moment(self, name: str, *, required: bool = False) -> datetime | None:
        """A UTC time. A bare date is noon in the center's zone: the date stays the same
        wherever the report is read, so the request counts in that date's fiscal year."""
        given = self.text(name, 40, required=required).strip()
        if not given:
            return None
        if len(given) == 10 or "/" in given:
            day = self.day(name)
            if day is None:
                return None
            return datetime.combine(day, time(12), ZoneInfo(self.tz)).astimezone(UTC)
        try:
            value = datetime.fromisoformat(given.replace("Z", "+00:00"))
        except ValueError:
            self.problem(name, f"“{given}” is not a date and time (use 2024-03-05T14:30:00Z)")
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=ZoneInfo(self.tz))
        return value.astimezone(UTC)

    def integer(self, name: str, default: int = 0) -> int:
        given = self.text(name, 12).strip()
        if not given:
            return default
        if not given.isdigit():
            self.problem(name, "is not a whole number")
            return default
        return int(given)

    def hours(self, name: str) -> Decimal | None:
        given = self.text(name, 12, required=True).strip()
        try:
            value = Decimal(given)
        except InvalidOperation:
            if given:
                self.problem(name, "is not a number")
            return None
        if not (0 < value <= 24) or (value * 4) % 1:
            self.problem(name, "must be more than 0 and at most 24, in quarter hours")
            return None
        return value.quantize(Decimal("0.01"))

    def names(self, name: str, known: dict[str, int]) -> list[int]:
        """Semicolon-separated names from a list (topics), as ids."""
        given = [n.strip() for n in self.text(name, 2000).split(";") if n.strip()]
        unknown = [n for n in given if n.lower() not in known]
        if unknown:
            self.problem(name, f"unknown topic: {'; '.join(unknown)}")
        return sorted({known[n.lower()] for n in given if n.lower() in known})
