"""Household pages: the list, the 一户一表, and the forms that change a household."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minxin.cadres.models import Cadre
from minxin.cadres.selectors import village_unit_staff
from minxin.core.errors import DomainError
from minxin.core.identifiers import InvalidIdentifier, normalize_phone
from minxin.core.masking import masked_initial, unmasked_input
from minxin.core.pages import act, form_page, show_error
from minxin.core.params import id_param, is_digits
from minxin.core.privacy import reveal_identifier
from minxin.regions.selectors import region_filter
from minxin.registry import choices, permissions, selectors, services
from minxin.registry.forms import (
    CareOverrideForm,
    ChecklistForm,
    HeadForm,
    HelpersForm,
    HouseholdForm,
    IncomeForm,
    MemberForm,
    RegistrationForm,
)
from minxin.registry.models import Checklist, Income, Registration

NAV = "registry"


def _require_edit(user):
    if not permissions.can_edit(user):
        raise PermissionDenied


def filters_from(request) -> selectors.HouseholdFilters:
    """The list filters from a query string; a region outside the scope is a 404."""
    get = request.GET
    region = get.get("village", "").strip() or get.get("township", "").strip()
    region = region_filter(user=request.user, code=region)
    prefix = region.prefix if region else ""
    tags = [t for t in get.getlist("tag") if t in choices.TAGS]
    return selectors.HouseholdFilters(
        region=prefix, group=get.get("group", "").strip(), registered=get.get("registered", "")[:3],
        attribute=get.get("attribute", "") if get.get("attribute") in choices.Attribute.values else "",
        status=get.get("status", "") if get.get("status") in choices.Status.values else "",
        cause=get.get("cause", "") if get.get("cause") in choices.Cause.values else "",
        tags=tags, q=get.get("q", "").strip()[:50])


def _village_choices(request):
    """The village filter's options: a township's villages, or all when the scope is small (a county
    has ~450 villages, too many for one drop-down on every page view)."""
    villages = selectors.villages_for(user=request.user)
    township = request.GET.get("township", "").strip()
    if is_digits(township) and len(township) in (9, 12):
        return villages.filter(code__startswith=township[:9])
    return villages if villages.count() <= 60 else villages.filter(code=request.GET.get("village", "").strip())


@login_required
def household_list(request):
    filters = filters_from(request)
    page = selectors.paginate(selectors.household_list(user=request.user, filters=filters), request.GET.get("page"),
                              search=bool(filters.q))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "registry/household_list.html", {
        "page": page, "filters": filters, "query": query.urlencode(), "nav_active": NAV,
        "matched": selectors.matched_members(households=list(page), q=filters.q) if filters.q else {},
        "townships": selectors.townships_for(user=request.user), "villages": _village_choices(request),
        "selected_township": request.GET.get("township", ""), "selected_village": request.GET.get("village", ""),
        "attributes": choices.Attribute.choices, "statuses": choices.Status.choices, "causes": choices.Cause.choices,
        "tags": [(key, label) for key, (_col, label) in choices.TAGS.items()],
        "can_edit": permissions.can_edit(request.user), "can_import": permissions.can_import(request.user),
        "can_reveal": permissions.can_reveal(request.user),
    })


@login_required
def household_detail(request, pk):
    household = selectors.household_get(user=request.user, pk=pk)
    sheet = selectors.household_sheet(user=request.user, household=household)
    return render(request, "registry/household_detail.html", {
        "household": household, **sheet, "nav_active": NAV, "care_labels": dict(choices.Care.choices),
        "can_edit": permissions.can_edit(request.user), "can_reveal": permissions.can_reveal(request.user),
        "care_form": CareOverrideForm(initial={"version": household.version}),
    })


def _reveal(request, obj, field: str, region_code: str):
    """One identifier unmasked (an htmx fragment); the reveal is an audit event."""
    value = reveal_identifier(actor=request.user, obj=obj, field=field, region_code=region_code)
    return render(request, "includes/revealed.html", {"value": value})


@login_required
@require_POST
def member_reveal(request, pk):
    member = selectors.member_get(user=request.user, pk=pk)
    return _reveal(request, member, "id_number", member.village_code)


@login_required
@require_POST
def household_reveal(request, pk):
    household = selectors.household_get(user=request.user, pk=pk)
    return _reveal(request, household, "phone", household.village_id)


@login_required
@require_POST
def validate(request):
    """Live validation of one field as the user types (htmx): an ID number or a phone."""
    if not permissions.can_edit(request.user):
        raise PermissionDenied
    field = request.GET.get("field", "")
    value = next((v for k, v in request.POST.items() if k != "csrfmiddlewaretoken" and k.endswith(field)), "")
    ok, message = True, ""
    if field == "id_number":
        try:
            person = services.clean_id_number(value, actor=request.user,
                                              exclude_pk=id_param(request.GET.get("member")))
            message = _("有效：%(sex)s，%(date)s 出生。") % {"sex": _("男") if person.sex == "M" else _("女"),
                                                        "date": person.birth_date.isoformat()}
        except DomainError as exc:
            ok, message = False, exc.message
    elif field == "phone":
        try:
            message = _("有效：%(phone)s") % {"phone": normalize_phone(value)} if value.strip() else ""
        except InvalidIdentifier as exc:
            ok, message = False, str(exc)
    else:
        raise Http404
    return render(request, "registry/_live.html", {"ok": ok, "message": message})


def _form_page(request, title, forms, *, household=None, extra=None):
    """The form page of a household's part: several forms may share it (the household and its head)."""
    back = reverse("registry:household-detail", args=[household.pk]) if household else "registry:household-list"
    return form_page(request, None, title, back=back, nav=NAV, template="registry/form.html", forms=forms,
                     household=household, **(extra or {}))


def _conflict(request, exc, submitted):
    """On a stale save: say so, and list what the user typed (the form shows the newer data)."""
    messages.error(request, exc.message)
    return {"conflict_values": [(f.label, f.value()) for f in submitted if not f.is_hidden and f.value()]}


@login_required
def household_new(request):
    _require_edit(request.user)
    url = reverse("registry:validate")
    villages = selectors.villages_for(user=request.user)
    form = HouseholdForm(request.POST or None, villages=villages, validate_url=url)
    head = HeadForm(request.POST or None, validate_url=url)
    if request.method == "POST" and form.is_valid() and head.is_valid():
        data, h = form.cleaned_data, head.cleaned_data
        data.pop("version", None)
        try:
            household = services.household_create(actor=request.user, **data, head={
                "name": h["head_name"], "id_number": h["head_id_number"], "ethnicity": h["head_ethnicity"]})
        except DomainError as exc:
            target = head if exc.field == "id_number" else form
            if exc.field == "id_number":
                exc.field = "head_id_number"
            show_error(target, exc)
        else:
            messages.success(request, _("已登记户 %(number)s。") % {"number": household.number})
            return redirect("registry:household-detail", pk=household.pk)
    return _form_page(request, _("登记新户"), [form, head])


@login_required
def household_edit(request, pk):
    household = selectors.household_get(user=request.user, pk=pk)
    _require_edit(request.user)
    url = reverse("registry:validate")
    villages = selectors.villages_for(user=request.user)
    form = HouseholdForm(request.POST or None, instance=household, villages=villages, validate_url=url, editing=True,
                         initial={"version": household.version, **masked_initial(household, "phone")})
    extra = {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.household_update(actor=request.user, household=household, version=data.get("version"),
                                      group=data["group"], address=data["address"],
                                      phone=unmasked_input(data["phone"], household, "phone"),
                                      lat=data["lat"], lon=data["lon"])
        except services.Conflict as exc:
            extra = _conflict(request, exc, form)
            household = selectors.household_get(user=request.user, pk=pk)
            form = HouseholdForm(instance=household, villages=villages, validate_url=url, editing=True,
                                 initial={"version": household.version, **masked_initial(household, "phone")})
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("registry:household-detail", pk=pk)
    return _form_page(request, _("编辑户 %(number)s") % {"number": household.number}, [form], household=household,
                      extra=extra)


def _member_form(request, household, member=None):
    _require_edit(request.user)
    url = reverse("registry:validate")
    form = MemberForm(request.POST or None, instance=member, validate_url=url,
                      initial={"version": household.version, **masked_initial(member, "id_number")})
    extra = {}
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        data["id_number"] = unmasked_input(data["id_number"], member, "id_number")
        try:
            services.member_save(actor=request.user, household=household, version=version, member=member, **data)
        except services.Conflict as exc:
            extra = _conflict(request, exc, form)
            household = selectors.household_get(user=request.user, pk=household.pk)
            if member is not None:
                member = selectors.member_get(user=request.user, pk=member.pk)
            form = MemberForm(instance=member, validate_url=url,
                              initial={"version": household.version, **masked_initial(member, "id_number")})
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("已保存家庭成员。"))
            return redirect("registry:household-detail", pk=household.pk)
    title = _("编辑家庭成员 %(name)s") % {"name": member.name} if member else _("添加家庭成员")
    return _form_page(request, title, [form], household=household, extra={**extra, "member": member})


@login_required
def member_new(request, pk):
    return _member_form(request, selectors.household_get(user=request.user, pk=pk))


@login_required
@require_POST
def member_remove(request, pk):
    """Take a member off the household (moved away, deceased), with a reason; never the head."""
    member = selectors.member_get(user=request.user, pk=pk)
    household = selectors.household_get(user=request.user, pk=member.household_id)
    _require_edit(request.user)
    version = id_param(request.POST.get("version"))
    if not act(request, lambda: services.member_remove(
            actor=request.user, member=member, reason=request.POST.get("reason", "")[:500],
            version=household.version if version is None else version),
            done=_("已将 %(name)s 移出本户。") % {"name": member.name}):
        return redirect("registry:member-edit", pk=pk)
    return redirect("registry:household-detail", pk=household.pk)


@login_required
def member_edit(request, pk):
    member = selectors.member_get(user=request.user, pk=pk)
    household = selectors.household_get(user=request.user, pk=member.household_id)
    return _member_form(request, household, member)


def _versioned(request, household, form_class, title, save, *, initial=None, instance=None, form_kwargs=None):
    """A form on one household's part (registration, income, checklist, helpers)."""
    _require_edit(request.user)
    kwargs = {"instance": instance} if instance is not None else {}
    kwargs.update(form_kwargs or {})
    form = form_class(request.POST or None, initial={"version": household.version, **(initial or {})}, **kwargs)
    extra = {}
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except services.Conflict as exc:
            extra = _conflict(request, exc, form)
            household = selectors.household_get(user=request.user, pk=household.pk)
            form = form_class(initial={"version": household.version, **(initial or {})}, **kwargs)
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("registry:household-detail", pk=household.pk)
    return _form_page(request, title, [form], household=household, extra=extra)


@login_required
def registration_edit(request, pk):
    household = selectors.household_get(user=request.user, pk=pk)
    reg = Registration.objects.filter(household=household).first()
    initial = {"registered": reg is not None}
    if reg is not None:
        initial.update(year=reg.year, attribute=reg.attribute, status=reg.status, exit_year=reg.exit_year,
                       main_cause=reg.main_cause, other_causes=reg.other_causes)

    def save(data):
        services.registration_save(actor=request.user, household=household, **data)

    return _versioned(request, household, RegistrationForm, _("建档立卡信息"), save, initial=initial)


@login_required
def income_edit(request, pk):
    household = selectors.household_get(user=request.user, pk=pk)
    year = id_param(request.GET.get("year"))
    instance = household.incomes.filter(year=year).first() if year else None
    instance = instance or Income(household=household, persons=household.member_count or 1)

    def save(data):
        services.income_save(actor=request.user, household=household, **data)

    return _versioned(request, household, IncomeForm, _("家庭收入"), save, instance=instance)


@login_required
def checklist_edit(request, pk):
    household = selectors.household_get(user=request.user, pk=pk)
    instance = Checklist.objects.filter(household=household).first()

    def save(data):
        services.checklist_save(actor=request.user, household=household, **data)

    return _versioned(request, household, ChecklistForm, _("两不愁三保障核查"), save, instance=instance)


@login_required
def helpers_edit(request, pk):
    household = selectors.household_get(user=request.user, pk=pk)
    cadres = Cadre.objects.visible_to(request.user).filter(
        assignments__village_id=household.village_id, assignments__status="active").distinct().order_by("name_pinyin")
    staff = village_unit_staff(user=request.user, village_code=household.village_id)
    helpers = list(household.helpers.all())
    initial = {"cadres": [h.cadre_id for h in helpers if h.cadre_id], "staff": [h.staff_id for h in helpers if h.staff_id],
               "names": "、".join(h.name for h in helpers if not (h.cadre_id or h.staff_id))}

    def save(data):
        names = [n for n in data["names"].replace(",", "、").replace("，", "、").split("、") if n.strip()]
        services.helpers_save(actor=request.user, household=household, version=data["version"],
                              cadres=list(data["cadres"]), staff=list(data["staff"]), names=names)

    return _versioned(request, household, HelpersForm, _("帮扶责任人"), save, initial=initial,
                      form_kwargs={"cadres": cadres, "staff": staff})


@login_required
@require_POST
def care_override(request, pk):
    household = selectors.household_get(user=request.user, pk=pk)
    _require_edit(request.user)
    form = CareOverrideForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        value = {"yes": True, "no": False}.get(data["value"])
        act(request, lambda: services.care_override_set(
            actor=request.user, household=household, version=data["version"], category=data["category"],
            value=value, reason=data["reason"]), done=_("关爱类别已更新。"))
    else:
        messages.error(request, _("请选择关爱类别和认定结果。"))
    return redirect(reverse("registry:household-detail", args=[pk]) + "#care")
