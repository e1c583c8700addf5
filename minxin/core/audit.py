"""The one way to write an audit event."""

import json
from functools import partial
from typing import Any, TypeVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Model
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from minxin.core import todo
from minxin.core.clientip import current_client_ip
from minxin.core.figures import labels
from minxin.core.masking import mask_change
from minxin.core.models import AuditEvent
from minxin.core.requestlog import current_request_id
from minxin.core.types import Actor

M = TypeVar("M", bound=Model)

_encoder = DjangoJSONEncoder()


def snapshot(obj: Model, *, exclude: tuple[str, ...] = ()) -> dict:
    """A JSON-safe picture of a model instance's own fields, for before/after in the log. It holds
    identifiers as stored, sealed (core.sealing): a changed number is another envelope, an unchanged
    one the same, so a change of hidden digits is seen. audit_record masks them, and anything else
    that sends a snapshot out passes it through masking.mask_dict."""
    data = model_to_dict(obj, exclude=list(exclude))
    for name, value in list(data.items()):
        if hasattr(value, "pk"):
            data[name] = value.pk
        elif isinstance(value, list):
            data[name] = [getattr(item, "pk", item) for item in value]
    # Round-trip through Django's encoder so dates, Decimals and UUIDs become strings.
    return json.loads(_encoder.encode(data))


def locked(obj: M) -> M:
    """`obj`'s stored row, locked until the transaction ends. An update service starts from it: its
    "before" is what the database holds, whatever a form or a caller already put on the instance."""
    return type(obj)._base_manager.select_for_update().get(pk=obj.pk)


def audit_event(
    *,
    actor: Actor | None,
    action: str,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    region_code: str = "",
    before: dict | None = None,
    after: dict | None = None,
    ip_address: str | None = None,
) -> AuditEvent:
    """One event, not yet written. `obj`, when given, fills type, id and label. Identifiers and birth
    dates in `before`/`after` are masked here, whoever calls: the log never holds what only a reveal
    shows."""
    before, after = mask_change(before, after)
    if ip_address is None:
        ip_address = current_client_ip()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:255]
    return AuditEvent(
        actor_id=actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None,
        actor_name=getattr(actor, "username", "") or "system",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr,
        region_code=region_code,
        before=before,
        after=after,
        ip_address=ip_address,
        request_id=current_request_id(),
    )


def audit_record(**event: Any) -> AuditEvent:
    """Append one event (the arguments of `audit_event`)."""
    record = audit_event(**event)
    record.save(force_insert=True)
    _acted(record.actor_id)
    return record


def audit_record_many(events: list[AuditEvent]) -> None:
    """Append events made by `audit_event` in one statement (a batch from the field app), each the
    same as `audit_record` would have written."""
    AuditEvent.objects.bulk_create(events, batch_size=500)
    for actor_id in {event.actor_id for event in events}:
        _acted(actor_id)


def _acted(actor_id: Any) -> None:
    """A user has done something: its menu's to-do count is counted afresh, once this commits."""
    if actor_id is not None:
        transaction.on_commit(partial(todo.forget, actor_id))


def changed_fields(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that differ, so that the log shows what changed and nothing else."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


# What an auditor reads instead of an action's code: each module names its own actions (in its
# nav.py, discovered at start-up); an action no module named shows its code.
_ACTION_LABELS: dict[str, Any] = {
    "reveal.id_number": _("查看完整身份证号"), "reveal.phone": _("查看完整电话"),
    "reveal.contact_phone": _("查看诉求人完整电话"), "search.identifier": _("按证件号码搜索"),
    "search.identifier.match": _("按完整证件号码查找"), "demo.load": _("载入演示数据"),
    "identifiers.reseal": _("重新加密证件号码和电话"),
}


def register_action_labels(labels: dict[str, Any]) -> None:
    _ACTION_LABELS.update(labels)


# What each action changes, for the dashboard (reports.counting): the models (app_label.model) whose
# rows it writes. A figure that counts none of them is not counted again after it (core.figures,
# Figure.reads); an action that changes nothing a figure counts — a sensitive read, a download, an
# account — has it count nothing. Each module names its own actions (in its nav.py, discovered at
# start-up), and a module above adds what a lower module's action writes in its tables (a villager's
# removal clears his petitions' link to him). An action not named has every figure of its place
# counted again: one left off only costs a needless count, one named short of what it writes leaves
# a number wrong until the nightly count (tests/reports/test_figure_reads.py checks the figures'
# reads against their SQL, tests/changes.py every test's service calls against their actions).
_CHANGES: dict[str, frozenset[str]] = {code: frozenset() for code in (
    "reveal.id_number", "reveal.phone", "reveal.contact_phone", "search.identifier", "search.identifier.match")}


def register_changes(changes: dict[str, tuple[type[Model], ...]]) -> None:
    """Name the models each action writes (action code → models), besides those already named."""
    for code, models in changes.items():
        _CHANGES[code] = _CHANGES.get(code, frozenset()) | labels(models)


def register_uncounted(*codes: str) -> None:
    """Name actions that write nothing a dashboard figure counts."""
    for code in codes:
        _CHANGES.setdefault(code, frozenset())


def changed_models(code: str) -> frozenset[str] | None:
    """The models the action writes, or None when no module has named them (it may write anything)."""
    return _CHANGES.get(code)


def action_label(code: str) -> str:
    return str(_ACTION_LABELS.get(code, code))


def action_choices() -> list[tuple[str, str]]:
    """(code, label) of every named action, by label."""
    return sorted(((code, str(label)) for code, label in _ACTION_LABELS.items()), key=lambda item: item[1])
