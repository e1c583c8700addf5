"""What the scheme migrations that move weights to new automatic indicators share (0004–0007):
write a new version of the county's latest scheme with its weights moved, its rules kept. Kept out
of the migration graph by its leading underscore; stable like the migrations that call it."""


def new_version(apps, *, note: str, moved, done_when: str, needs: str | None = None) -> None:
    """A new scheme version whose weights are `moved(latest weights)`; nothing when there is no
    scheme yet (a county starts from the defaults), when `done_when` is already weighted (run once),
    or when `needs` (the indicator it moves from) is absent."""
    Scheme = apps.get_model("assessment", "Scheme")
    SchemeWeight = apps.get_model("assessment", "SchemeWeight")
    latest = Scheme.objects.order_by("-version").first()
    if latest is None:
        return
    weights = {row.indicator: {"weight": row.weight, "target": row.target, "step": row.step}
               for row in SchemeWeight.objects.filter(scheme=latest)}
    if done_when in weights or (needs is not None and needs not in weights):
        return
    rules = {field.name: getattr(latest, field.name) for field in Scheme._meta.concrete_fields
             if field.name not in ("id", "version", "note", "created_at", "created_by")}
    scheme = Scheme.objects.create(version=latest.version + 1, note=note, created_by=None, **rules)
    SchemeWeight.objects.bulk_create([SchemeWeight(scheme=scheme, indicator=code, **row)
                                      for code, row in sorted(moved(weights).items())])
