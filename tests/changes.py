"""Every test watches what each action writes against what its module names (core.audit
register_changes): the dashboard counts again, after a change, only the figures that read the models
the change's action names (reports.counting), so an action that writes a counted table it does not
name would leave a number wrong until the nightly count.

A unit of work is a block of the test's transaction that a service opens (`transaction.atomic`
inside the test's own: a savepoint) and releases: the rows written in it and the audit events
recorded in it belong together. When every action recorded in a unit is named, the counted tables it
wrote must be among the models they name. A unit with an action nobody named has its place counted
in full, so it is not checked; writes outside any service's block (a test's own setup) neither.
The household importer writes through COPY on PostgreSQL, which no statement shows:
tests/reports/test_figure_reads.py checks it by row counts."""

import re

from django.apps import apps

_SAVEPOINT = re.compile(r'^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\s+"?(\w+)"?', re.IGNORECASE)
WRITE = re.compile(r'^\s*(?:INSERT INTO|UPDATE|DELETE FROM)\s+"?(\w+)"?', re.IGNORECASE)  # group 1: the table


def counted() -> dict[str, str]:
    """Table → model label of every model a dashboard figure reads."""
    from minxin.core import figures

    labels = set().union(*(item.reads for item in figures.FIGURES.values()))
    return {model._meta.db_table: model._meta.label_lower for model in apps.get_models()
            if model._meta.label_lower in labels}


class Units:
    """The execute wrapper that follows the savepoints and the counted tables written in each block."""

    def __init__(self, tables: dict[str, str]):
        self.tables = tables
        self.open: list[tuple[str, set[str], list[str]]] = []  # each open block: its name, writes, actions
        self.wrong: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if (mark := _SAVEPOINT.match(sql)) is not None:
            self._savepoint(mark.group(1).upper(), mark.group(2))
        elif self.open and (write := WRITE.match(sql)) is not None and write.group(1) in self.tables \
                and not (write.group(0).lstrip()[0] in "UuDd" and context["cursor"].rowcount == 0):
            self.open[-1][1].add(self.tables[write.group(1)])  # an UPDATE that matched no row wrote nothing
        return result

    @property
    def written(self) -> set[str]:
        return set().union(*(block[1] for block in self.open))

    @property
    def actions(self) -> list[str]:
        return [action for block in self.open for action in block[2]]

    def recorded(self, actions: list[str]) -> None:
        if self.open:
            self.open[-1][2].extend(actions)

    def _savepoint(self, verb: str, name: str) -> None:
        names = [block[0] for block in self.open]
        if verb == "SAVEPOINT":
            self.open.append((name, set(), []))
        elif name in names:  # else opened before the watch began
            index = names.index(name)
            block, inner = self.open[index], self.open[index + 1:]
            del self.open[index + 1:]
            if verb == "ROLLBACK TO SAVEPOINT":  # the block's rows and events are gone; it stays open
                block[1].clear()
                block[2].clear()
                return
            for _name, written, actions in inner:
                block[1].update(written)
                block[2].extend(actions)
            self.open.pop()
            if self.open:  # a block inside another: the outer one's
                self.open[-1][1].update(block[1])
                self.open[-1][2].extend(block[2])
            else:
                self._check(block[1], block[2])

    def _check(self, written: set[str], actions: list[str]) -> None:
        from minxin.core.audit import changed_models

        named = [changed_models(action) for action in actions]
        if not actions or None in named:
            return
        unnamed = written - set().union(*named)
        if unnamed:
            self.wrong.append(f"{sorted(set(actions))} wrote {sorted(unnamed)} without naming them")
