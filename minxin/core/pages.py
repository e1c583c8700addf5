"""The plumbing every page shares, written once: a capability check, a service called from a form,
the form page, and the list page (filter → scoped selector → `.xlsx` of the same rows → paginate →
render). A module's views parse the request, then hand over to these."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

from minxin.core.errors import DomainError
from minxin.core.forms import apply_domain_error
from minxin.core.types import Actor
from minxin.core.xlsx import wants_xlsx

T = TypeVar("T")
StrOrPromise = Any  # a str or a lazy translation


def require(user: Actor, capability: str) -> None:
    """A page the user's role may not open is a 403 (its scope is checked by the selector: 404)."""
    if not user.can(capability):
        raise PermissionDenied


def show_error(form: BaseForm, exc: DomainError) -> None:
    """A rule about the input (a 400 `DomainError`) shows on the form, at its field; any other (403,
    413, 429) goes on to `DomainErrorMiddleware`, which answers with its own status page."""
    if exc.status != 400:
        raise exc
    apply_domain_error(form, exc)


def run(form: BaseForm, call: Callable[[], T]) -> T | None:
    """Call a service with a form's data; on a rule about the input, show it (`show_error`) and
    answer None."""
    try:
        return call()
    except DomainError as exc:
        show_error(form, exc)
        return None


def act(request: HttpRequest, call: Callable[[], T], *, done: StrOrPromise | Callable[[T], StrOrPromise]) -> bool:
    """A button's action (a POST without a form page): the service's broken rule — or, once done,
    `done` (a message, or a function of the call's result giving one) — shows as a message on the
    page the view then redirects to. A rule about the input (400) or a record changed meanwhile
    (409) is such a message; any other error (403, 413, 429) goes on to `DomainErrorMiddleware`."""
    try:
        result = call()
    except DomainError as exc:
        if exc.status not in (400, 409):
            raise
        messages.error(request, exc.message)
        return False
    messages.success(request, done(result) if callable(done) else done)
    return True


def form_page(request: HttpRequest, form: BaseForm | None, title: StrOrPromise, *, back: str, nav: str,
              template: str = "form_page.html", **context: Any) -> HttpResponse:
    """The page of one form. `back` is where 取消 leads: a URL name, or a path. Modules that show
    something beside the form extend `form_page.html` and fill its blocks."""
    back_url = back if back.startswith("/") else reverse(back)
    return render(request, template, {"form": form, "title": title, "back": back_url, "nav_active": nav,
                                      **context})


def list_page(request: HttpRequest, rows: QuerySet, template: str, *, nav: str,
              export: Callable[[QuerySet], HttpResponseBase] | None = None, per_page: int = 50,
              page_extra: Callable[[list], dict[str, Any]] | None = None, **context: Any) -> HttpResponseBase:
    """A list page: `rows` are the scoped selector's rows, filtered by the request. `?format=xlsx`
    answers `export(rows)` — exactly the rows the pages show — otherwise the requested page of them
    (an unknown or too-large page number is the last page) rendered as `page`. `page_extra` reads
    what the shown rows need beside them (one query for the page, not one per row)."""
    if export is not None and wants_xlsx(request):
        return export(rows)
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    extra = page_extra(list(page.object_list)) if page_extra else {}
    return render(request, template, {"page": page, "nav_active": nav, **context, **extra})
