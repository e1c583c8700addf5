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
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        # Validation must not run in __init__: subclasses narrow choices and querysets to the actor
        # after this mixin's __init__, and errors computed before that would refuse valid input.
        super().full_clean()
        for name in self.errors:
            field = self.fields.get(name)
            if field is not None and "is-invalid" not in field.widget.attrs.get("class", ""):
                field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} is-invalid".strip()
