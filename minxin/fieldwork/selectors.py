"""Scoped reads of field records, needs, requests and cards. Out of scope reads as missing (404); a
role without VIEW_FIELDWORK (the expert) is refused every one of them (403), so no page, API answer,
export or the field app's bootstrap can list what the role may not open."""

import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404
from django.utils import timezone

from minxin.accounts import roles
from minxin.accounts.models import User
from minxin.accounts.roles import Role
from minxin.cadres.models import Assignment, Cadre
from minxin.core import guards
from minxin.core.figures import year_range
from minxin.fieldwork.models import (
    DiaryEntry,
    FamilyCall,
    LiaisonCard,
    Meeting,
    Need,
    VillagerRequest,
    Visit,
    VisitPhoto,
)
from minxin.fieldwork.models.followup import normalize_reference
from minxin.regions.models import Region
from minxin.registry.models import Helper, Household

can_view, require_view = guards.read_gate(roles.VIEW_FIELDWORK)  # every read of the module that takes a user checks it


Q_T = TypeVar("Q_T", bound=QuerySet)


def _narrow(qs: Q_T, *, village: str | None = None, field: str = "village__code", year: int | None = None,
            date_field: str = "occurred_at") -> Q_T:
    """Narrow to a region's code prefix and to a local calendar year (as the dashboard counts it)."""
    if village:
        qs = qs.filter(**{f"{field}__startswith": village})
    if year:
        start, end = year_range(year)
        qs = qs.filter(**{f"{date_field}__gte": start, f"{date_field}__lt": end})
    return qs


def visit_list(*, user: User, village: str | None = None, household: int | None = None, cadre: int | None = None,
               kind: str | None = None, late: bool = False, year: int | None = None) -> QuerySet[Visit]:
    require_view(user)
    qs = Visit.objects.visible_to(user).select_related("household", "cadre", "village")
    qs = _narrow(qs, village=village, year=year)
    if household:
        qs = qs.filter(household_id=household)
    if cadre:
        qs = qs.filter(cadre_id=cadre)
    if kind:
        qs = qs.filter(kind=kind)
    if late:
        qs = qs.filter(late=True)
    return qs.order_by("-occurred_at", "-id")


def visit_get(*, user: User, pk: int) -> Visit:
    require_view(user)
    return get_object_or_404(
        Visit.objects.visible_to(user).select_related("household", "cadre", "village__parent", "recorded_by")
        .prefetch_related("photos", "needs", "requests"), pk=pk)


def photo_get(*, user: User, pk: int) -> VisitPhoto:
    require_view(user)
    return get_object_or_404(VisitPhoto.objects.visible_to(user), pk=pk)


def visit_by_uuid(*, user: User, uuid: Any) -> Visit:
    require_view(user)
    return get_object_or_404(Visit.objects.visible_to(user), uuid=uuid)


def meeting_list(*, user: User, category: str | None = None, village: str | None = None,
                 year: int | None = None) -> QuerySet[Meeting]:
    require_view(user)
    qs = _narrow(Meeting.objects.visible_to(user).select_related("village", "cadre"), village=village, year=year)
    if category:
        qs = qs.filter(category=category)
    return qs.annotate(named=Count("participants")).order_by("-occurred_at", "-id")


def meeting_get(*, user: User, pk: int) -> Meeting:
    require_view(user)
    return get_object_or_404(Meeting.objects.visible_to(user).select_related("village__parent", "cadre")
                             .prefetch_related("participants"), pk=pk)


def call_list(*, user: User, village: str | None = None, year: int | None = None) -> QuerySet[FamilyCall]:
    require_view(user)
    return _narrow(FamilyCall.objects.visible_to(user).select_related("village", "cadre", "household"),
                   village=village, year=year).order_by("-occurred_at", "-id")


def diary_list(*, user: User, village: str | None = None, cadre: int | None = None,
               year: int | None = None) -> QuerySet[DiaryEntry]:
    require_view(user)
    qs = _narrow(DiaryEntry.objects.visible_to(user).select_related("village", "cadre"), village=village, year=year)
    if cadre:
        qs = qs.filter(cadre_id=cadre)
    return qs.order_by("-occurred_at", "-id")


def need_list(*, user: User, status: str | None = None, village: str | None = None, mine: bool = False) -> QuerySet[Need]:
    require_view(user)
    qs = _narrow(Need.objects.visible_to(user).select_related("village", "household", "owner"), village=village)
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(owner_id=user.pk)
    return qs.order_by("-raised_at", "-id")


def need_get(*, user: User, pk: int) -> Need:
    require_view(user)
    return get_object_or_404(Need.objects.visible_to(user).select_related("village", "household", "owner", "visit"),
                             pk=pk)


def request_list(*, user: User, status: str | None = None, village: str | None = None, overdue: bool = False,
                 reference: str = "", year: int | None = None) -> QuerySet[VillagerRequest]:
    """The requests the user can read; a reference number (a villager calling about one) finds
    that one request whatever its status, or none when it is malformed or out of scope."""
    require_view(user)
    qs = VillagerRequest.objects.visible_to(user).select_related("village", "household", "assignee")
    qs = _narrow(qs, village=village, year=year, date_field="submitted_at")
    if reference:
        return qs.filter(reference=normalize_reference(reference) or "-")
    if status == "open":
        qs = qs.open()
    elif status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.overdue()
    return qs.order_by("-submitted_at", "-id")


def request_get(*, user: User, pk: int) -> VillagerRequest:
    require_view(user)
    return get_object_or_404(
        VillagerRequest.objects.visible_to(user).select_related("village__parent", "household", "assignee",
                                                                "recorded_by", "visit", "meeting"), pk=pk)


def request_counts(*, user: User, village: str | None = None) -> dict:
    """Open and overdue requests, for the badges on lists and region pages (one query)."""
    if not can_view(user):
        return {"open": 0, "overdue": 0}
    qs = _narrow(VillagerRequest.objects.visible_to(user).open(), village=village)
    overdue = VillagerRequest.objects.overdue().values("pk")
    return qs.aggregate(open=Count("pk"), overdue=Count("pk", filter=Q(pk__in=overdue)))


def assignable_users(*, village_code: str) -> QuerySet[User]:
    """Accounts that may take a request of this village: administrators and clerks whose scope
    covers the village, and the cadres of its resident team."""
    team = Assignment.objects.active().filter(village_id=village_code).values("cadre__user_id")
    covering = [village_code[:length].ljust(12, "0") for length in (6, 9, 12)]
    return (User.objects.filter(is_active=True)
            .filter(Q(role__in=[Role.COUNTY_ADMIN, Role.TOWNSHIP_ADMIN, Role.VILLAGE_CLERK], scope_id__in=covering)
                    | Q(role=Role.CADRE, pk__in=team))
            .order_by("role", "username"))


def village_cards(*, user: User, village_code: str, q: str = "") -> QuerySet[Household]:
    """The village's households with their current card (None if not issued yet); `q` narrows them
    to a head's name, its pinyin or initials, or a household number."""
    require_view(user)
    households = Household.objects.visible_to(user).filter(village_id=village_code)
    term = q.strip().lower()[:50]
    if term:
        households = households.filter(Q(head_name__contains=term) | Q(name_pinyin__contains=term)
                                       | Q(number__contains=term.upper()))
    return _with_card(households).order_by("group", "number")


def household_with_card(*, user: User, pk: int) -> Household:
    """One household in the user's scope (404 otherwise), with its current card's token, if any."""
    require_view(user)
    return get_object_or_404(_with_card(Household.objects.visible_to(user)), pk=pk)


def _with_card(households: QuerySet[Household]) -> QuerySet[Household]:
    active = LiaisonCard.objects.filter(household_id=OuterRef("pk"), revoked_at__isnull=True)
    return households.annotate(card_token=Subquery(active.values("token")[:1]),
                               card_issued_at=Subquery(active.values("issued_at")[:1]), has_card=Exists(active))


def card_by_token(*, token: str) -> LiaisonCard | None:
    """The active card behind a QR code (public: no user). Unknown and revoked read the same."""
    if not token or len(token) > 64:
        return None
    return LiaisonCard.objects.select_related("village", "household").filter(token=token,
                                                                             revoked_at__isnull=True).first()


def request_by_reference(*, card: LiaisonCard, reference: str) -> VillagerRequest | None:
    """A request of the card's household by its reference number, for the public status lookup:
    both the card's token (the QR code) and the reference are needed, so a reference read out over
    the phone shows nothing on another household's card."""
    value = normalize_reference(reference)
    if not value:
        return None
    return VillagerRequest.objects.filter(reference=value, household_id=card.household_id).first()


def village_codes(*, user: User, prefix: str = "") -> list[str]:
    require_view(user)

    return list(Region.objects.visible_to(user).villages().filter(code__startswith=prefix)
                .values_list("code", flat=True))


def field_bootstrap(*, user: User, limit: int) -> dict:
    """What the offline field app keeps on the phone: the user's villages and their households
    (number, head, group, version — no ID numbers or phones), and the choice labels."""
    require_view(user)

    cadre = Cadre.objects.filter(user_id=user.pk).first()
    villages = list(Region.objects.visible_to(user).villages().select_related("parent").order_by("code")[:500])
    paired = Helper.objects.filter(household_id=OuterRef("pk"), cadre_id=getattr(cadre, "pk", -1))
    rows = (Household.objects.visible_to(user)
                  .annotate(paired=Exists(paired))
                  .order_by("village_id", "group", "number")
                  .values("id", "village_id", "number", "head_name", "group", "address", "version", "care_child",
                          "care_elderly", "care_women", "paired")[:limit + 1])
    households = [{**{k: v for k, v in row.items() if k != "village_id"}, "village": row["village_id"]}
                  for row in rows]
    truncated = len(households) > limit
    households = households[:limit]
    return {
        "generated_at": timezone.now().isoformat(),
        "user": {"username": user.username, "name": str(user), "role": user.role},
        "cadre": {"id": cadre.pk, "name": cadre.name} if cadre else None,
        "can_visit": cadre is not None and user.can(roles.RECORD_FIELDWORK),
        "can_record": user.can(roles.RECORD_FIELDWORK),
        "checkin": settings.MINXIN_GPS_CHECKIN,
        "villages": [{"code": v.code, "name": v.name, "township": v.parent.name if v.parent else ""}
                     for v in villages],
        "households": households,
        "truncated": truncated,
        "visits": _recent_visits(user, [row["id"] for row in rows][:limit]),
        "labels": {
            "visit": {k: str(v) for k, v in Visit.Kind.choices},
            "meeting": _kinds(Meeting.Category.MEETING),
            "lecture": _kinds(Meeting.Category.LECTURE),
            "training": _kinds(Meeting.Category.TRAINING),
            "need": {k: str(v) for k, v in Need.Category.choices},
        },
    }


FIELD_VISITS_PER_HOUSEHOLD = 3
FIELD_VISITS_SINCE_DAYS = 365
FIELD_NOTE_CHARS = 200


def _recent_visits(user: User, household_ids: list[int]) -> list[dict]:
    """The last few visits (anyone's, in the user's scope) of the phone's households in the past
    year, for reading offline: when, what kind, by whom, and the start of the diary notes."""
    if not household_ids:
        return []
    since = timezone.now() - datetime.timedelta(days=FIELD_VISITS_SINCE_DAYS)
    rank = Window(RowNumber(), partition_by=[F("household_id")], order_by=[F("occurred_at").desc(), F("id").desc()])
    rows = (Visit.objects.visible_to(user).filter(household_id__in=household_ids, occurred_at__gte=since)
            .annotate(rank=rank).filter(rank__lte=FIELD_VISITS_PER_HOUSEHOLD)
            .order_by("household_id", "rank")
            .values("uuid", "household_id", "occurred_at", "kind", "cadre__name", "notes", "help_given"))
    return [{"uuid": str(row["uuid"]), "household_id": row["household_id"], "occurred_at": row["occurred_at"].isoformat(),
             "kind": row["kind"], "cadre": row["cadre__name"], "notes": row["notes"][:FIELD_NOTE_CHARS],
             "help_given": row["help_given"][:FIELD_NOTE_CHARS]} for row in rows]


def _kinds(category: Any) -> dict:
    labels = dict(Meeting.Kind.choices)
    return {str(kind): str(labels[kind]) for kind in Meeting.KINDS_BY_CATEGORY[category]}


def village_rows(*, user: User, prefix: str) -> QuerySet[Region]:
    require_view(user)

    return Region.objects.visible_to(user).villages().filter(code__startswith=prefix).order_by("code")


def household_fieldwork(*, user: User, household: Household, limit: int = 10) -> dict | None:
    """What field work knows of one household, for its 一户一表: the latest visits, its liaison card
    and its requests (the caller's phone masked). None for a role that may not read field work."""
    if not can_view(user):
        return None
    visits = list(Visit.objects.visible_to(user).filter(household=household).select_related("cadre")
                  .order_by("-occurred_at", "-id")[:limit])
    card = (LiaisonCard.objects.visible_to(user).filter(household=household, revoked_at__isnull=True)
            .order_by("-issued_at").first())
    requests = list(VillagerRequest.objects.visible_to(user).filter(household=household)
                    .order_by("-submitted_at", "-id")[:limit])
    return {"household": household, "visits": visits, "visit_count": Visit.objects.visible_to(user)
            .filter(household=household).count(), "card": card, "requests": requests}
