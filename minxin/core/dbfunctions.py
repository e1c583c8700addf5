"""Database functions Django lacks, written for both of Minxin's databases."""

from typing import Any

from django.db.models import DateField, Func


class ShiftedDate(Func):
    """A date `days` or `months` later, in SQL: the month's last day where it is shorter (31 January + 1
    month = 28/29 February), as party.rules.add_months computes it in Python. NULL stays NULL."""

    output_field = DateField()

    def __init__(self, expression: Any, *, days: int = 0, months: int = 0) -> None:
        if bool(days) == bool(months):
            raise ValueError("ShiftedDate shifts by days or by months")
        self.days, self.months = int(days), int(months)
        super().__init__(expression)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple]:
        inner, params = compiler.compile(self.source_expressions[0])
        # date + interval is a timestamp; PostgreSQL clamps the day to the month's length
        return (f"CAST(CAST({inner} AS date) + make_interval(months => %s, days => %s) AS date)",
                (*params, self.months, self.days))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple]:
        inner, params = compiler.compile(self.source_expressions[0])
        if self.days:
            return f"date({inner}, %s)", (*params, f"{self.days:+d} days")
        # SQLite's '+n months' runs over into the next month (31 Jan + 1 = 3 Mar): the lesser of it and
        # the target month's last day
        return (f"min(date({inner}, %s), date({inner}, 'start of month', %s, '-1 day'))",
                (*params, f"{self.months:+d} months", *params, f"{self.months + 1:+d} months"))
