"""Annual grades, the use of results, and the cadre archive (page and Word document)."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.accounts import roles
from minxin.assessment import archive, exports, grading, selectors, services
from minxin.assessment.forms import ConsequenceForm, GradeConfirmForm, YearForm
from minxin.assessment.models import AnnualGrade, Consequence, Grade
from minxin.assessment.views.common import configured_county, form_page
from minxin.cadres.selectors import cadre_get
from minxin.core.officialdoc import docx_response
from minxin.core.pages import list_page, require, run
from minxin.core.params import YEARS, recent_years, year_param
from minxin.core.xlsx import wants_xlsx
from minxin.regions.selectors import home_county, region_filter, township_list

NAV = "assessment"


@login_required
def grade_list(request, year):
    grades = list(selectors.grade_list(user=request.user, year=year))
    if wants_xlsx(request):
        return exports.export("grades", grades, name=str(_("%(year)s年度考核等次") % {"year": year}))
    county = home_county(request.user)
    scheme = selectors.scheme_current(county)
    total = selectors.grade_count(county=county, year=year) if county else 0  # the cap is the county's
    counts = {value: sum(1 for g in grades if g.grade == value) for value in Grade.values}
    uses: dict[int, list] = {}
    for use in selectors.consequence_list(user=request.user, year=year):
        uses.setdefault(use.cadre_id, []).append(use)
    return render(request, "assessment/grade_list.html", {
        "rows": [(g, uses.get(g.cadre_id, [])) for g in grades], "year": year, "grades": grades, "nav_active": NAV, "counts": counts, "grade_choices": Grade.choices,
        "cap": grading.excellent_cap(total, scheme.excellent_cap_pct) if scheme else None,
        "cap_pct": scheme.excellent_cap_pct if scheme else 20,
        "can_configure": request.user.can(roles.CONFIGURE_ASSESSMENT),
        "previous": year - 1 if year - 1 in YEARS else None,
        "next": year + 1 if year + 1 in YEARS else None,
    })


@login_required
def consequence_list(request):
    """The county's list of the use of results: who was commended, recommended for promotion, held
    accountable or recalled, on what basis; by year, kind, township and name."""
    year = year_param(request.GET.get("year"))
    kind = request.GET.get("kind", "")
    kind = kind if kind in Consequence.Kind.values else ""
    region = region_filter(user=request.user, code=request.GET.get("region"))
    q = request.GET.get("q", "").strip()[:50]
    rows = selectors.consequence_list(user=request.user, year=year, kind=kind, prefix=region.prefix if region else "",
                                      q=q)
    return list_page(request, rows, "assessment/consequence_list.html", nav=NAV,
                     export=partial(exports.export, "consequences", name=str(_("考核结果运用"))),
                     year=year, years=recent_years(), kind=kind, kinds=Consequence.Kind.choices, region=region,
                     townships=township_list(user=request.user), q=q,
                     # The kind pills count within the other filters, whichever kind is shown.
                     counts=dict(selectors.consequence_list(user=request.user, year=year,
                                                            prefix=region.prefix if region else "", q=q)
                                 .order_by().values_list("kind").annotate(n=Count("pk"))))


@login_required
def grades_compute(request, year):
    require(request.user, roles.CONFIGURE_ASSESSMENT)
    county = configured_county(request.user)
    form = YearForm(request.POST or None, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        grades = run(form, lambda: services.grades_compute(actor=request.user, year=form.cleaned_data["year"],
                                                           county_code=county))
        if grades is not None:
            messages.success(request, _("已计算 %(n)d 名驻村干部的年度考核等次建议，请逐一确认。") % {"n": len(grades)})
            return redirect("assessment:grade-list", year=form.cleaned_data["year"])
    return form_page(request, form, _("计算年度考核等次"), back="assessment:index", submit=_("计算"),
                     intro=_("按已发布季度的平均分、年终评诺和年终考核评分计算综合得分，套用分数线、抽查无故不在岗规则和优秀比例上限。"))


@login_required
def grade_confirm(request, pk):
    grade = selectors.grade_get(user=request.user, pk=pk)
    require(request.user, roles.CONFIGURE_ASSESSMENT)
    form = GradeConfirmForm(request.POST or None, initial={"final": grade.grade})
    if request.method == "POST" and form.is_valid():
        done = run(form, lambda: services.grade_confirm(actor=request.user, grade=grade, **form.cleaned_data))
        if done:
            messages.success(request, _("已确认 %(name)s 的年度等次：%(grade)s。") % {
                "name": grade.cadre.name, "grade": done.get_grade_display()})
            return redirect("assessment:grade-list", year=grade.year)
    return form_page(request, form, _("确认 %(name)s %(year)s 年度等次") % {"name": grade.cadre.name, "year": grade.year},
                     back="assessment:index", grade=grade)


@login_required
def consequence_new(request, pk):
    cadre = cadre_get(user=request.user, pk=pk)
    require(request.user, roles.CONFIGURE_ASSESSMENT)
    year = timezone.localdate().year
    form = ConsequenceForm(request.POST or None, initial={"year": year, "decided_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        grade = AnnualGrade.objects.filter(cadre=cadre, year=data["year"]).first()
        record = run(form, lambda: services.consequence_record(actor=request.user, cadre=cadre, grade=grade, **data))
        if record:
            messages.success(request, _("已登记：%(title)s。") % {"title": record.title})
            return redirect("assessment:archive", pk=cadre.pk, year=record.year)
    return form_page(request, form, _("考核结果运用：%(name)s") % {"name": cadre.name}, back="assessment:index",
                     intro=_("表彰、推荐提拔使用、问责或召回，均须写明依据（考核等次、季度排名、督查发现等）。"))


@login_required
def archive_page(request, pk, year):
    cadre = cadre_get(user=request.user, pk=pk)
    data = archive.collect(user=request.user, cadre=cadre, year=year)
    return render(request, "assessment/archive.html", {"a": data, "cadre": cadre, "year": year, "nav_active": NAV,
                                                       "can_configure": request.user.can(roles.CONFIGURE_ASSESSMENT)})


@login_required
def archive_docx(request, pk, year):
    cadre = cadre_get(user=request.user, pk=pk)
    data = archive.collect(user=request.user, cadre=cadre, year=year)
    return docx_response(archive.render_docx(data), name=f"驻村工作档案_{cadre.name}_{year}.docx",
                         ascii_name="archive.docx")


