"""The navigation on every page: the entries the apps registered (core.nav) that the user may see, and\nhow many items wait in the user's to-do inbox (core.todo)."""

from django.http import HttpRequest

from minxin.core import nav


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_items": nav.entries_for(user)}
