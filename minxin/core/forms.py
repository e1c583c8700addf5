"""Form plumbing: model-described forms that never touch a model instance, Bootstrap styling, and
the errors services raise shown on forms."""

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections
from django.db.models import Field, IntegerField, ManyToManyField, Model, QuerySet
from django.forms.forms import DeclarativeFieldsMetaclass
from django.forms.models import fields_for_model, model_to_dict

from minxin.core.errors import DomainError
from minxin.core.masking import MASKS
from minxin.core.sealedfields import SealedField

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


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's multiple choice of rows, with a chosen value that names no possible row an invalid
    choice like any other. Django's single choice is safe (its `pk=` lookup checks the column's
    range), but this field's `pk__in` lookup is not: an id past 64 bits reached the database, an
    OverflowError (SQLite) or a DataError (PostgreSQL) — a 500 for a hostile post. Every multiple
    choice of rows in the product is this field, so the check is made once, here."""

    def clean(self, value: Any) -> Any:
        chosen = self.prepare_value(value)
        if self.queryset is not None and isinstance(chosen, list | tuple):
            self._check_possible(self.queryset, chosen)
        return super().clean(value)

    def _check_possible(self, queryset: QuerySet, chosen: list | tuple) -> None:
        column = _key_column(queryset.model, self.to_field_name)
        if not isinstance(column, IntegerField):
            return
        low, high = connections[queryset.db].ops.integer_field_range(column.get_internal_type())
        for pk in chosen:
            self.validate_no_null_characters(pk)
            try:
                number = column.get_prep_value(pk)
                possible = (low is None or number >= low) and (high is None or number <= high)
            except (ValueError, TypeError):  # not a whole number (also one past int()'s digit limit)
                possible = False
            if not possible:
                raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                      params={"value": pk})


def _key_column(model: type[Model], to_field_name: str | None) -> Field:
    """The column a choice's value is looked up in (a key that is a relation: the column it points to)."""
    column: Any = model._meta.get_field(to_field_name) if to_field_name else model._meta.pk
    while column.is_relation:
        column = column.target_field
    return column


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


def _formfield(field: Field, **kwargs: Any) -> Any:
    """A model field's form field; a many-to-many one is the product's multiple choice (above)."""
    if isinstance(field, ManyToManyField):
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
    return field.formfield(**kwargs)


class _ModelFieldsMetaclass(DeclarativeFieldsMetaclass):
    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> Any:
        cls: Any = super().__new__(mcs, name, bases, attrs)
        meta: Any = getattr(cls, "Meta", None)
        if getattr(meta, "model", None) is not None:
            generated = fields_for_model(meta.model, fields=meta.fields, widgets=getattr(meta, "widgets", None),
                                         labels=getattr(meta, "labels", None),
                                         help_texts=getattr(meta, "help_texts", None),
                                         formfield_callback=_formfield)
            cls.base_fields = {**generated, **cls.declared_fields}
        return cls


class ModelFieldsForm(forms.Form, metaclass=_ModelFieldsMetaclass):
    """A form whose fields are described by a model (`Meta.model`, `Meta.fields`, `widgets`, `labels`,
    `help_texts`, as on a ModelForm) but that never builds or changes a model instance: validation
    checks the fields only, and the service takes the cleaned data, loads and locks the row itself,
    snapshots it for the audit event, then applies and checks the rules. (A ModelForm would copy the
    submitted values onto the instance while validating, before any "before" snapshot.) `instance`
    only fills the initial values.

    A sealed identifier (core.sealing) of `instance` is shown masked, as everywhere, never as its
    envelope (whose digests link the person's records, and which no field's length admits); its
    mask sent back unchanged means "keep the stored one" and cleans to the stored envelope, which
    the services take as such (masking.kept)."""

    def __init__(self, data: Any = None, files: Any = None, *, instance: Model | None = None,
                 initial: dict[str, Any] | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None:
            stored = model_to_dict(instance, fields=list(self.base_fields))
            stored.update({name: mask(stored[name]) for name, mask in self._sealed().items() if stored.get(name)})
            initial = {**stored, **(initial or {})}
        super().__init__(data, files, initial=initial, **kwargs)

    def _sealed(self) -> dict[str, Any]:
        """This form's fields that hold a sealed identifier of the model, each with its mask."""
        meta: Any = getattr(self, "Meta", None)
        model = getattr(meta, "model", None)
        if model is None:
            return {}
        sealed = {}
        for name in self.base_fields:
            try:
                column = model._meta.get_field(name)
            except FieldDoesNotExist:  # a field of the form only
                continue
            if isinstance(column, SealedField):
                sealed[name] = MASKS[column.kind]
        return sealed

    def full_clean(self) -> None:
        super().full_clean()
        if self.instance is None or not hasattr(self, "cleaned_data"):
            return
        for name, mask in self._sealed().items():
            stored = getattr(self.instance, name, "")
            if name in self.cleaned_data and stored and self.cleaned_data[name] == mask(stored):
                self.cleaned_data[name] = stored


class IdempotentFormMixin(_FormBase):
    """A money-changing form carries an idempotency key, made when the form is first shown and sent
    back with it: a double click or a resent POST posts once (the service answers the first result),
    and the same key with another payload is refused. A fresh form (after a success) gets a new key."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["idempotency_key"] = forms.CharField(widget=forms.HiddenInput, max_length=64,
                                                         initial=uuid.uuid4().hex)
