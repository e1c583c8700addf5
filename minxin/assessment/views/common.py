"""What the assessment pages share: the form page (core.pages), showing the appeal or the grade
being decided above the form; the county an administrator configures."""

from functools import partial

from django.core.exceptions import PermissionDenied

from minxin.core import pages
from minxin.regions.selectors import user_county

form_page = partial(pages.form_page, nav="assessment", template="assessment/form.html")


def configured_county(user) -> str:
    """The county whose assessment a county administrator configures, runs and grades (403 for a
    scope that is not one county)."""
    county = user_county(user)
    if county is None:
        raise PermissionDenied
    return county
