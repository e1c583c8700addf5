"""What the scheme migrations that move weights to new automatic indicators share (0004–0007):
write a new version of the county's latest scheme with its weights moved, its rules kept. Kept out
of the migration graph by its leading underscore; stable like the migrations that call it."""


def new_version(apps, *, note: str, moved, done_when: str, needs: str | None = None) -> None:
    """For each county's scheme (one before 0009 made schemes the county's), a new version whose
    weights are `moved(latest weights)`; nothing when there is no scheme yet (a county starts from
    the defaults), when `done_when` is already weighted (run once), or when `needs` (the indicator
    it moves from) is absent."""
    Scheme = apps.get_model("assessment", "Scheme")
    if any(field.name == "county_code" for field in Scheme._meta.concrete_fields):
        for county in Scheme.objects.values_list("county_code", flat=True).distinct().order_by("county_code"):
            _new_version(apps, Scheme.objects.filter(county_code=county), note, moved, done_when, needs)
    else:
        _new_version(apps, Scheme.objects.all(), note, moved, done_when, needs)


def _new_version(apps, versions, note: str, moved, done_when: str, needs: str | None) -> None:
    Scheme = apps.get_model("assessment", "Scheme")
    SchemeWeight = apps.get_model("assessment", "SchemeWeight")
    latest = versions.order_by("-version").first()
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
