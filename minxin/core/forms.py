"""Form plumbing: model-described forms that never touch a model instance, Bootstrap styling, and
the errors services raise shown on forms."""

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Model
from django.forms.forms import DeclarativeFieldsMetaclass
from django.forms.models import fields_for_model, model_to_dict

from minxin.core.errors import DomainError

if TYPE_CHECKING:  # the mixin is mixed into forms; for the type checker it is one
    _FormBase = forms.BaseForm
else:
    _FormBase = object


def apply_domain_error(form: forms.BaseForm, exc: Exception) -> None:
    """Attach a service's error to the field it concerns (or to the whole form)."""
    field = getattr(exc, "field", None) if isinstance(exc, DomainError) else "code"
    message = exc.message if isinstance(exc, DomainError) else str(exc)
    form.add_error(field if field in form.fields else None, message)


class DateInput(forms.DateInput):
    """The product's one date widget: the browser's date picker, its value always ISO (2026-03-17).
    A date picker shows nothing for any other format (the zh_Hans default is 2026/03/17), and a form
    saved untouched would then send the date back empty."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class LocalDateTimeInput(forms.DateTimeInput):
    """The product's one date-and-time widget (`datetime-local`, ISO to the minute, local time)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class SearchableSelect(forms.Select):
    """A select with a filter box above it (minxin.js): typing a name, its pinyin or initials, or a
    number narrows a long list (a village's 268 households) to the few that match. `search_text`
    gives an option's extra search words from its object (e.g. the pinyin key)."""

    def __init__(self, *, search_text: Callable[[Any], str] | None = None, placeholder: Any = "",
                 attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.search_text = search_text
        self.attrs["data-searchable"] = str(placeholder)

    def create_option(self, name: str, value: Any, label: Any, selected: Any, index: int,
                      subindex: int | None = None, attrs: dict[str, Any] | None = None) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None and self.search_text is not None:
            option["attrs"]["data-search"] = f"{label} {self.search_text(instance)}".lower()
        return option


class StyledFormMixin(_FormBase):
    """Give every widget its Bootstrap class, so templates render fields with one include."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            if isinstance(widget, forms.DateInput) and not isinstance(widget, DateInput):
                # A model's date field comes with Django's text widget: every date gets the one widget.
                date_input = DateInput(attrs=widget.attrs)
                date_input.is_required = widget.is_required
                field.widget = widget = date_input
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        # Validation must not run in __init__: subclasses narrow choices and querysets to the actor
        # after this mixin's __init__, and errors computed before that would refuse valid input.
        super().full_clean()
        for name in self.errors:
            field = self.fields.get(name)
            if field is not None and "is-invalid" not in field.widget.attrs.get("class", ""):
                field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} is-invalid".strip()


class _ModelFieldsMetaclass(DeclarativeFieldsMetaclass):
    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> Any:
        cls: Any = super().__new__(mcs, name, bases, attrs)
        meta: Any = getattr(cls, "Meta", None)
        if getattr(meta, "model", None) is not None:
            generated = fields_for_model(meta.model, fields=meta.fields, widgets=getattr(meta, "widgets", None),
                                         labels=getattr(meta, "labels", None),
                                         help_texts=getattr(meta, "help_texts", None))
            cls.base_fields = {**generated, **cls.declared_fields}
        return cls


class ModelFieldsForm(forms.Form, metaclass=_ModelFieldsMetaclass):
    """A form whose fields are described by a model (`Meta.model`, `Meta.fields`, `widgets`, `labels`,
    `help_texts`, as on a ModelForm) but that never builds or changes a model instance: validation
    checks the fields only, and the service takes the cleaned data, loads and locks the row itself,
    snapshots it for the audit event, then applies and checks the rules. (A ModelForm would copy the
    submitted values onto the instance while validating, before any "before" snapshot.) `instance`
    only fills the initial values."""

    def __init__(self, data: Any = None, files: Any = None, *, instance: Model | None = None,
                 initial: dict[str, Any] | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None:
            initial = {**model_to_dict(instance, fields=list(self.base_fields)), **(initial or {})}
        super().__init__(data, files, initial=initial, **kwargs)


class IdempotentFormMixin(_FormBase):
    """A money-changing form carries an idempotency key, made when the form is first shown and sent
    back with it: a double click or a resent POST posts once (the service answers the first result),
    and the same key with another payload is refused. A fresh form (after a success) gets a new key."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["idempotency_key"] = forms.CharField(widget=forms.HiddenInput, max_length=64,
                                                         initial=uuid.uuid4().hex)
