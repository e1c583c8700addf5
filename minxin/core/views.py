"""The error pages (Django's handler400/403/404/500)."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


def _error(request, status: int, template: str):
    return render(request, template, status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return _error(request, 400, "errors/400.html")


@requires_csrf_token
def permission_denied(request, exception=None):
    return _error(request, 403, "errors/403.html")


@requires_csrf_token
def page_not_found(request, exception=None):
    return _error(request, 404, "errors/404.html")


@requires_csrf_token
def server_error(request):
    # No context processors that touch the database: the error may be the database.
    return HttpResponseServerError(loader.get_template("errors/500.html").render({}))
