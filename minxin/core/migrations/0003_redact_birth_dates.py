"""Birth dates written into the audit log before it masked them become birth years: beside a masked
ID number, the full date gives back its hidden digits (SPEC §1)."""

from django.db import migrations


def _redact(data):
    if isinstance(data, dict):
        return {key: (str(value)[:4] if key == "birth_date" and value else _redact(value))
                for key, value in data.items()}
    if isinstance(data, list):
        return [_redact(item) for item in data]
    return data


def redact_birth_dates(apps, schema_editor):
    events = apps.get_model("core", "AuditEvent").objects
    # Only services that save a person (a member, a cadre) ever logged a birth date.
    candidates = events.filter(object_type__in=["registry.member", "cadres.cadre"]).only("before", "after")
    for event in candidates.iterator(chunk_size=2000):
        before, after = _redact(event.before), _redact(event.after)
        if (before, after) != (event.before, event.after):
            events.filter(pk=event.pk).update(before=before, after=after)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_lean_audit_indexes")]

    operations = [migrations.RunPython(redact_birth_dates, migrations.RunPython.noop)]
