"""Helpers that let forms show the errors services raise."""

from minxin.core.errors import DomainError


def apply_domain_error(form, exc: Exception) -> None:
    """Attach a service's error to the field it concerns (or to the whole form)."""
    field = getattr(exc, "field", None) if isinstance(exc, DomainError) else "code"
    message = exc.message if isinstance(exc, DomainError) else str(exc)
    form.add_error(field if field in form.fields else None, message)


class StyledFormMixin:
    """Give every widget its Bootstrap class, so templates render fields with one include."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django import forms

        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
            if self.errors and getattr(self, "prefix", None) is None and field in self.errors:
                css += " is-invalid"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
