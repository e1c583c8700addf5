"""Model fields for sealed identifiers (core.sealing), and the re-sealing of stored rows.

`SealedField` holds an identifier's envelope. Assigning a plaintext seals it at once (the instance
never keeps the clear value); assigning the value it already holds keeps the stored envelope, so an
unchanged number is no change in the audit log. A sealed column can't be filtered by value (each
sealing draws a fresh nonce): `LookupField` companions hold the envelope's digests, filled on save,
and `lookup_q` builds the filter on them.
"""

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any, cast

from django import forms
from django.apps import apps
from django.core.exceptions import FieldError
from django.db import connection as default_connection
from django.db import migrations, models
from django.db.models import Q
from django.db.models.lookups import Exact, IsNull
from django.db.models.query_utils import DeferredAttribute

from minxin.core import sealing


class _SealedAttribute(DeferredAttribute):
    def __set__(self, instance: models.Model, value: Any) -> None:
        field: SealedField = self.field  # type: ignore[assignment]
        value = value or ""
        current = instance.__dict__.get(field.attname)
        if value and not sealing.is_sealed(value):
            value = current if current and sealing.same_value(current, value) else sealing.seal(value, field.kind)
        instance.__dict__[field.attname] = value


class _BlankOnly(Exact):
    """`phone=""` (is it blank?) is the one value a sealed column can be compared with."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise FieldError(f"{self.lhs.field.name} is sealed: filter by its digest (sealedfields.lookup_q).")
        return ""


class SealedField(models.TextField):
    descriptor_class = _SealedAttribute

    def __init__(self, *args: Any, kind: str = "phone", **kwargs: Any) -> None:
        if kind not in sealing.MASKS:
            raise ValueError(f"Unknown identifier kind {kind!r}.")
        self.kind = kind
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        return name, path, args, kwargs

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return sealing.seal(value, self.kind) if value else ""

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"widget": forms.TextInput, "max_length": 18 if self.kind == "id_number" else 20,
                                    **kwargs})

    def get_lookup(self, lookup_name: str) -> Any:
        return {"exact": _BlankOnly, "isnull": IsNull}.get(lookup_name)


class LookupField(models.CharField):
    """A keyed digest of a sealed field (`part` "digest": the whole value; "tail": its last four),
    taken from the envelope on every save."""

    def __init__(self, *args: Any, source: str = "", part: str = "digest", **kwargs: Any) -> None:
        self.source, self.part = source, part
        kwargs["max_length"] = 32 if part == "digest" else 16  # hex of a 128- or 64-bit digest
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, part=self.part)
        for key in ("max_length", "editable", "blank", "default"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        envelope = getattr(model_instance, self.source)
        value = (sealing.envelope_digest if self.part == "digest" else sealing.envelope_tail)(envelope)
        setattr(model_instance, self.attname, value)
        return value


def reveal_field(obj: models.Model, name: str) -> str:
    """The clear value of `obj`'s sealed field `name` (core.sealing.reveal: only where it may be opened)."""
    field = obj._meta.get_field(name)
    if not isinstance(field, SealedField):
        raise TypeError(f"{name} is not a sealed field.")
    return sealing.reveal(getattr(obj, name), field.kind)


def lookup_q(field: str, term: str) -> Q:
    """Rows whose sealed `field` is `term` — or, for a term of four characters, ends with it (the
    search masking.id_search_tail allows)."""
    if len(term) == sealing.TAIL:
        return Q(**{f"{field}_tail": sealing.tail_digest(term)})
    return Q(**{f"{field}_hash": sealing.digest(term)})


def sealed_fields() -> Iterator[tuple[type[models.Model], SealedField]]:
    """Every sealed column of every installed model."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, SealedField):
                yield model, field


def companions(model: type[models.Model], field: SealedField) -> dict[str, str]:
    """The columns of `field`'s digests on `model`, by part ("digest", "tail"): none for a phone."""
    return {f.part: cast(str, f.column) for f in model._meta.concrete_fields
            if isinstance(f, LookupField) and f.source == field.name}


def reseal(model: type[models.Model], field: SealedField, *, mode: str, chunk: int = 5000) -> tuple[int, Counter]:
    """Re-seal one column (see reseal_table); its companions' digests follow."""
    columns = companions(model, field)
    return reseal_table(model._meta.db_table, cast(str, field.column), field.kind, mode=mode, chunk=chunk,
                        digest_column=columns.get("digest"), tail_column=columns.get("tail"))


def check_sealed(model: type[models.Model], field: SealedField, *, chunk: int = 5000) -> tuple[Counter, int, int]:
    """Open every value of one sealed column and compute its digest anew, writing nothing (a
    restored backup tried: `minxin rotate-key --check`). Returns how many values each key id seals,
    how many cannot be opened (a key not configured, or an altered value) and how many digests differ
    from the lookup key's (a row a search by the whole number would not find)."""
    digest = next((f.name for f in model._meta.concrete_fields
                   if isinstance(f, LookupField) and f.source == field.name and f.part == "digest"), None)
    rows = model._base_manager.exclude(**{field.name: ""}).order_by("pk")
    census: Counter = Counter()
    unopened = wrong = 0
    for value, stored in rows.values_list(field.name, digest or "pk").iterator(chunk):
        if not sealing.is_sealed(value):
            census[""] += 1  # still in clear
            continue
        census[sealing.key_id(value)] += 1
        try:
            clear = sealing.reveal(value, field.kind)
        except sealing.SealError:
            unopened += 1
            continue
        if digest and stored != sealing.digest(clear):
            wrong += 1
    return census, unopened, wrong


def reseal_table(table: str, column: str, kind: str, *, mode: str, digest_column: str | None = None,
                 tail_column: str | None = None, chunk: int = 5000,
                 connection: Any = default_connection) -> tuple[int, Counter]:
    """Seal a column's values anew, by primary key in chunks, one UPDATE statement per chunk:
    mode "plain" seals the values still in clear (the migration of older rows); "rotate" also
    re-seals those under an older key; "all" re-seals everything (after a change of lookup key,
    which the digests follow); "open" writes every value back in clear, digests emptied (the
    migration undone, for a rollback to a version before sealing). Returns how many values were
    written, and how many are now under each key id."""
    current = sealing.keys().current
    quote = connection.ops.quote_name
    sets = [f"{quote(column)} = %s"] + [f"{quote(c)} = %s" for c in (digest_column, tail_column) if c]
    # Names from the models' own metadata, quoted; values bound.
    update = f"UPDATE {quote(table)} SET {', '.join(sets)} WHERE id = %s"  # noqa: S608
    select = (f"SELECT id, {quote(column)} FROM {quote(table)} WHERE id > %s AND {quote(column)} <> '' "  # noqa: S608
              f"ORDER BY id LIMIT {int(chunk)}")
    census: Counter = Counter()
    changed = last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(select, [last])
            rows = cursor.fetchall()
            if not rows:
                return changed, census
            last = rows[-1][0]
            batch = []
            for pk, value in rows:
                if mode == "open":
                    if sealing.is_sealed(value):
                        clear = sealing.reveal(value, kind)
                        batch.append([clear, *[""] * (bool(digest_column) + bool(tail_column)), pk])
                    continue
                if sealing.is_sealed(value):
                    if mode == "plain" or (mode == "rotate" and sealing.key_id(value) == current):
                        census[sealing.key_id(value)] += 1
                        continue
                    value = sealing.reveal(value, kind)
                envelope = sealing.seal(value, kind)
                extra = [sealing.envelope_digest(envelope)] * bool(digest_column)
                extra += [sealing.envelope_tail(envelope)] * bool(tail_column)
                batch.append([envelope, *extra, pk])
            if batch:
                cursor.executemany(update, batch)
                changed += len(batch)
                census["" if mode == "open" else current] += len(batch)


def seal_existing(table: str, column: str, kind: str, digest_column: str | None = None,
                  tail_column: str | None = None) -> migrations.RunPython:
    """A migration step sealing the plaintext values a column already holds; undone, it writes them
    back in clear (a rollback to a version before sealing: docs/operations.md, "Keys")."""
    def run(mode: str) -> Callable[[Any, Any], None]:
        def step(apps: Any, schema_editor: Any) -> None:
            reseal_table(table, column, kind, mode=mode, digest_column=digest_column, tail_column=tail_column,
                         connection=schema_editor.connection)
        return step

    return migrations.RunPython(run("plain"), run("open"))
