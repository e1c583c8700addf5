"""The books of the ledger: each module that posts money registers its book (the prefix of its
transactions' kinds, its label, who may read it), and the ledger's one lines page and export show
any book — so the ledger knows no module, and a new one adds its book without touching it."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Book:
    key: str
    label: Any
    kind_prefix: str  # the kinds of its transactions start with this ("rooms.")
    visible: Callable[[Any], bool]  # whether a user may read it
    back: str  # the URL name of the module's page the ledger page links back to


BOOKS: dict[str, Book] = {}


def register(key: str, *, label: Any, kind_prefix: str, visible: Callable[[Any], bool], back: str) -> None:
    BOOKS[key] = Book(key, label, kind_prefix, visible, back)
