"""Study and training sessions (学习培训): the list, a session's page, and the form that records one."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.cadres import selectors, services_study
from minxin.cadres.forms import StudySessionForm
from minxin.cadres.models import Cadre, StudySession
from minxin.core import pages
from minxin.core.pages import run
from minxin.core.params import recent_years, year_param

NAV = "study"
_form_page = partial(pages.form_page, nav=NAV)


@login_required
def study_list(request):
    year = year_param(request.GET.get("year")) or timezone.localdate().year
    kind = request.GET.get("kind", "")
    kind = kind if kind in StudySession.Kind.values else ""
    sessions = selectors.study_list(user=request.user, year=year, kind=kind)
    return pages.list_page(request, sessions, "cadres/study_list.html", nav=NAV, year=year, kind=kind,
                           kinds=StudySession.Kind.choices, years=recent_years(),
                           can_record=services_study.may_record(request.user))


def _candidates(user):
    own = services_study.own_cadre(user)
    if own is not None:
        return Cadre.objects.filter(pk=own.pk)
    return Cadre.objects.visible_to(user).order_by("name_pinyin", "id")


def _form(request, session=None):
    if not services_study.may_record(request.user, session):
        raise PermissionDenied
    own = services_study.own_cadre(request.user)
    initial = {"attendees": [own.pk]} if own and session is None else {}
    if session is not None:
        initial["attendees"] = list(session.attendance.values_list("cadre_id", flat=True))
    form = StudySessionForm(request.POST or None, instance=session, initial=initial, cadres=_candidates(request.user))
    if request.method == "POST" and form.is_valid():
        saved = run(form, lambda: services_study.study_session_save(actor=request.user, session=session,
                                                                    **form.cleaned_data))
        if saved:
            messages.success(request, _("学习培训记录已保存。"))
            return redirect("cadres:study-detail", pk=saved.pk)
    title = _("编辑学习培训") if session else _("记录学习培训")
    back = reverse("cadres:study-detail", args=[session.pk]) if session else reverse("cadres:study-list")
    return _form_page(request, form, title, back=back)


@login_required
def study_new(request):
    return _form(request)


@login_required
def study_edit(request, pk):
    return _form(request, selectors.study_get(user=request.user, pk=pk))


@login_required
def study_detail(request, pk):
    session = selectors.study_get(user=request.user, pk=pk)
    return render(request, "cadres/study_detail.html", {
        "session": session, "attendees": selectors.study_attendees(user=request.user, session=session),
        "can_edit": services_study.may_record(request.user, session), "nav_active": NAV})
