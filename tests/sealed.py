"""Reading stored identifiers in tests: they are sealed at rest (core.sealing)."""

from django.db.models import Model

from minxin.core.sealedfields import reveal_field


def plain(obj: Model, field: str = "id_number") -> str:
    """The clear value of `obj.<field>`, for a test to compare or to look for on a page."""
    return reveal_field(obj, field)
