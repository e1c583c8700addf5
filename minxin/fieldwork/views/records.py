"""Pages for visits, meetings/lectures/trainings, family calls, the diary and presence."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minxin.accounts import roles
from minxin.cadres.models import Assignment
from minxin.core import pages
from minxin.core.pages import act, require, run
from minxin.core.params import id_param, month_param, year_param
from minxin.core.xlsx import wants_xlsx
from minxin.fieldwork import checks, exports, presence, selectors, services
from minxin.fieldwork.forms import CallForm, DiaryForm, MeetingForm, VisitForm, photo_limit_mb
from minxin.fieldwork.models import Meeting, Visit
from minxin.regions.selectors import region_filter

PAGE = 50


def village_filter(request):
    """The ?village= filter resolved in scope (unknown or outside = 404), or None."""
    return region_filter(user=request.user, code=request.GET.get("village"))


form_page = partial(pages.form_page, nav="fieldwork", template="fieldwork/form.html")
list_page = partial(pages.list_page, nav="fieldwork", per_page=PAGE)


# --- visits ----------------------------------------------------------------------------------


@login_required
def visit_list(request):
    region = village_filter(request)
    kind = request.GET.get("kind", "")
    kind = kind if kind in Visit.Kind.values else ""
    late = request.GET.get("late") == "1"
    year = year_param(request.GET.get("year"))
    visits = selectors.visit_list(user=request.user, village=region.prefix if region else None, kind=kind or None,
                                  late=late, cadre=id_param(request.GET.get("cadre")), year=year)
    return list_page(request, visits, "fieldwork/visit_list.html", export=partial(exports.export, "visits"),
                     region=region, kind=kind, kinds=Visit.Kind.choices, late=late, year=year,
                     can_record=request.user.can(roles.RECORD_FIELDWORK))


@login_required
def visit_detail(request, pk):
    visit = selectors.visit_get(user=request.user, pk=pk)
    return render(request, "fieldwork/visit_detail.html", {
        "visit": visit, "nav_active": "fieldwork", "photo_limit_mb": photo_limit_mb(),
        "can_record": request.user.can(roles.RECORD_FIELDWORK),
    })


@login_required
def visit_new(request):
    region = village_filter(request)  # out of scope: 404 before any 403
    require(request.user, roles.RECORD_FIELDWORK)
    form = VisitForm(request.POST or None, request.FILES or None, actor=request.user,
                     village_code=region.code if region else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        visit = run(form, lambda: services.visit_record(
            actor=request.user, household=data["household"], occurred_at=data["occurred_at"], kind=data["kind"],
            notes=data["notes"], help_given=data["help_given"], needs=form.needs(),
            photo=checks.read_photo(data["photo"]) if data.get("photo") else None))
        if visit:
            messages.success(request, _("走访已记录。"))
            return redirect("fieldwork:visit-detail", pk=visit.pk)
    return form_page(request, form, _("记录走访"), back="fieldwork:visit-list", multipart=True)


@login_required
@require_POST
def visit_photo(request, pk):
    visit = selectors.visit_get(user=request.user, pk=pk)
    require(request.user, roles.RECORD_FIELDWORK)
    upload = request.FILES.get("photo")
    if upload is None:
        messages.error(request, _("请选择照片。"))
    else:
        act(request, lambda: services.visit_attach_photo(actor=request.user, visit=visit,
                                                         data=checks.read_photo(upload)), done=_("照片已上传。"))
    return redirect("fieldwork:visit-detail", pk=pk)


@login_required
def photo_file(request, pk):
    photo = selectors.photo_get(user=request.user, pk=pk)
    return FileResponse(photo.image.open("rb"), content_type=photo.content_type)


# --- meetings, lectures, trainings -----------------------------------------------------------


def _category(request) -> str:
    category = request.GET.get("category", "")
    return category if category in Meeting.Category.values else ""


@login_required
def meeting_list(request):
    region = village_filter(request)
    category = _category(request)
    year = year_param(request.GET.get("year"))
    meetings = selectors.meeting_list(user=request.user, category=category or None,
                                      village=region.prefix if region else None, year=year)
    return list_page(request, meetings, "fieldwork/meeting_list.html", export=partial(exports.export, "meetings"),
                     region=region, category=category, categories=Meeting.Category.choices, year=year,
                     can_record=request.user.can(roles.RECORD_FIELDWORK))


@login_required
def meeting_detail(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    return render(request, "fieldwork/meeting_detail.html", {"meeting": meeting, "nav_active": "fieldwork"})


@login_required
def meeting_new(request):
    require(request.user, roles.RECORD_FIELDWORK)
    category = _category(request) or Meeting.Category.MEETING
    form = MeetingForm(request.POST or None, actor=request.user, category=category)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting = run(form, lambda: services.meeting_record(
            actor=request.user, village=data["village"], category=category, kind=data["kind"],
            occurred_at=data["occurred_at"], place=data["place"], topic=data["topic"],
            attendance=data["attendance"], notes=data["notes"], participants=form.participant_names()))
        if meeting:
            messages.success(request, _("已记录。"))
            return redirect("fieldwork:meeting-detail", pk=meeting.pk)
    title = {Meeting.Category.MEETING: _("记录群众会"), Meeting.Category.LECTURE: _("记录宣讲"),
             Meeting.Category.TRAINING: _("记录培训")}[category]
    return form_page(request, form, title, back="fieldwork:meeting-list")


# --- family calls and the diary --------------------------------------------------------------


def _simple_list(request, selector, template, export_kind):
    region = village_filter(request)
    year = year_param(request.GET.get("year"))
    rows = selector(user=request.user, village=region.prefix if region else None, year=year)
    return list_page(request, rows, template, export=partial(exports.export, export_kind), region=region, year=year,
                     can_record=request.user.can(roles.RECORD_FIELDWORK))


def _simple_new(request, form_class, service, *, title, done, back):
    require(request.user, roles.RECORD_FIELDWORK)
    form = form_class(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid() and run(form, lambda: service(
            actor=request.user, **form.cleaned_data)):
        messages.success(request, done)
        return redirect(back)
    return form_page(request, form, title, back=back)


@login_required
def call_list(request):
    return _simple_list(request, selectors.call_list, "fieldwork/call_list.html", "calls")


@login_required
def call_new(request):
    return _simple_new(request, CallForm, services.call_record, title=_("记录亲情聊天"), done=_("亲情聊天已记录。"),
                       back="fieldwork:call-list")


@login_required
def diary_list(request):
    return _simple_list(request, selectors.diary_list, "fieldwork/diary_list.html", "diary")


@login_required
def diary_new(request):
    return _simple_new(request, DiaryForm, services.diary_record, title=_("写民情日记"), done=_("日记已保存。"),
                       back="fieldwork:diary-list")


# --- presence --------------------------------------------------------------------------------


def _month(request) -> tuple[int, int]:
    day = month_param(request.GET.get("month"))
    return day.year, day.month


@login_required
def presence_list(request):
    """Days in the village per cadre for one month, for the villages in the user's scope."""
    selectors.require_view(request.user)
    region = village_filter(request)
    year, month = _month(request)
    assignments = Assignment.objects.visible_to(request.user).active().select_related("cadre", "village__parent")
    if region:
        assignments = assignments.filter(village__code__startswith=region.prefix)
    assignments = assignments.order_by("village_id", "role", "cadre__name_pinyin")
    if wants_xlsx(request):
        everyone = list(assignments)
        figures = presence.presence_for(cadre_ids=[a.cadre_id for a in everyone], year=year, month=month)
        return exports.presence(everyone, figures, year=year, month=month)
    page = Paginator(assignments, PAGE).get_page(request.GET.get("page"))
    rows = list(page)
    figures = presence.presence_for(cadre_ids=[a.cadre_id for a in rows], year=year, month=month)
    return render(request, "fieldwork/presence.html", {
        "page": page, "rows": [(a, figures[a.cadre_id]) for a in rows], "region": region,
        "month_value": f"{year:04d}-{month:02d}", "nav_active": "presence",
    })
