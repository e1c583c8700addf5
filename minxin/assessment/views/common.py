"""The assessment pages' form page: the shared one (core.pages), showing the appeal or the grade
being decided above the form."""

from functools import partial

from minxin.core import pages

form_page = partial(pages.form_page, nav="assessment", template="assessment/form.html")
