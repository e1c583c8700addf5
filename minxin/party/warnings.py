"""The weak-branch early warning (软弱涣散五级预警), computed from recorded facts.

Rules are a registry: each reads the facts of many branches in one query and answers, per branch,
what it found (a sentence and a link to the records). The party app registers the rules over its
own records and the petitions below it; a module above (assessment) registers the rules over its
own (`last_assessed`). Each rule's points and parameters are county settings
(`MINXIN_PARTY_WARNING_RULES`; a rule absent there is off); the points reached give the level
(`MINXIN_PARTY_WARNING_LEVELS`), never below an active manual flag's. `compute` stores one row per
branch and day, so a warning's history — and when it cleared — is kept."""

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minxin.disputes.models import Petition
from minxin.party.models import Branch, Event, Flag, Post, Step, Survey
from minxin.party.rules import CORE_LIFE, add_months

Found = dict[int, list[tuple[str, str]]]  # branch id -> [(detail, url)]


@dataclass(frozen=True)
class Rule:
    code: str
    label: object
    find: Callable[[list[Branch], datetime.date, dict], Found]


RULES: dict[str, Rule] = {}


def rule(code: str, label: object) -> Callable:
    def register(find: Callable) -> Callable:
        RULES[code] = Rule(code=code, label=label, find=find)
        return find
    return register


def _branch_url(branch_id: int, tab: str = "") -> str:
    return reverse("party:branch-detail", args=[branch_id]) + (f"#{tab}" if tab else "")


@rule("secretary_vacant", gettext_lazy("书记岗位空缺"))
def _secretary_vacant(branches: list[Branch], day: datetime.date, params: dict) -> Found:
    cutoff = add_months(day, -int(params.get("months", 3)))
    found: Found = defaultdict(list)
    for post in Post.objects.filter(branch__in=branches, committee=Post.Committee.PARTY, title=Post.Title.SECRETARY,
                                    vacant_since__lte=cutoff):
        found[post.branch_id].append((_("村党组织书记自 %(date)s 起空缺，超过 %(months)s 个月") % {
            "date": f"{post.vacant_since:%Y-%m-%d}", "months": params.get("months", 3)}, _branch_url(post.branch_id, "posts")))
    return found


@rule("no_life", gettext_lazy("组织生活不正常"))
def _no_life(branches: list[Branch], day: datetime.date, params: dict) -> Found:
    months = int(params.get("months", 3))
    since = add_months(day, -months)
    last = dict(Event.objects.filter(branch__in=branches, kind__in=CORE_LIFE, held_on__lte=day).values(
        "branch").annotate(last=Max("held_on")).values_list("branch", "last"))
    return {branch.pk: [(_("近 %(months)d 个月未召开党员大会、支委会或主题党日（最近一次：%(last)s）") % {
        "months": months, "last": f"{last[branch.pk]:%Y-%m-%d}" if branch.pk in last else _("无记录")},
        _branch_url(branch.pk, "life"))]
        for branch in branches if last.get(branch.pk) is None or last[branch.pk] <= since}


@rule("no_target", gettext_lazy("长期未发展党员"))
def _no_target(branches: list[Branch], day: datetime.date, params: dict) -> Found:
    years = int(params.get("years", 2))
    since = add_months(day, -12 * years)
    recent = set(Step.objects.filter(case__branch__in=branches, kind=Step.Kind.TARGET, on__gt=since,
                                     on__lte=day).values_list("case__branch", flat=True))
    return {branch.pk: [(_("近 %(years)d 年未确定发展对象") % {"years": years}, _branch_url(branch.pk, "cases"))]
            for branch in branches if branch.pk not in recent}


@rule("petitions", gettext_lazy("信访问题集中"))
def _petitions(branches: list[Branch], day: datetime.date, params: dict) -> Found:
    days, count = int(params.get("days", 90)), int(params.get("count", 3))
    by_village = Counter(Petition.objects.filter(
        region_id__in=[branch.village_id for branch in branches], received_on__gt=day - datetime.timedelta(days=days),
        received_on__lte=day).values_list("region_id", flat=True))
    return {branch.pk: [(_("近 %(days)d 天登记信访 %(n)d 件") % {"days": days, "n": by_village[branch.village_id]},
                         reverse("disputes:petition-list") + f"?village={branch.village_id}")]
            for branch in branches if by_village[branch.village_id] >= count}


@rule("satisfaction", gettext_lazy("群众满意度低"))
def _satisfaction(branches: list[Branch], day: datetime.date, params: dict) -> Found:
    below = int(params.get("below", 60))
    latest: dict[int, Survey] = {}
    for survey in Survey.objects.filter(branch__in=branches, held_on__lte=day).order_by("held_on", "id"):
        latest[survey.branch_id] = survey
    return {branch_id: [(_("%(date)s 群众满意度测评满意率 %(share)d%%，低于 %(below)d%%") % {
        "date": f"{survey.held_on:%Y-%m-%d}", "share": survey.satisfaction, "below": below},
        _branch_url(branch_id, "surveys"))]
        for branch_id, survey in latest.items() if survey.satisfaction < below}


def level_for(points: int, levels: list[int] | None = None) -> int:
    """The highest level whose threshold `points` reach (0 below the first)."""
    thresholds = settings.MINXIN_PARTY_WARNING_LEVELS if levels is None else levels
    return sum(1 for threshold in thresholds if points >= threshold)


def evaluate(branches: list[Branch], day: datetime.date) -> dict[int, dict]:
    """{branch id: {"level", "points", "facts"}} for `day`, from the rules in settings and the flags."""
    out = {branch.pk: {"level": 0, "points": 0, "facts": []} for branch in branches}
    for code, params in settings.MINXIN_PARTY_WARNING_RULES.items():
        found_rule = RULES.get(code)
        if found_rule is None:
            continue
        points = int(params.get("points", 1))
        for branch_id, found in found_rule.find(branches, day, params).items():
            for detail, url in found:
                out[branch_id]["facts"].append({"rule": code, "label": str(found_rule.label), "detail": detail,
                                                "url": url, "points": points})
            out[branch_id]["points"] += points
    for result in out.values():
        result["level"] = level_for(result["points"])
    for flag in Flag.objects.filter(Q(cleared_on__isnull=True) | Q(cleared_on__gt=day), branch__in=branches,
                                    raised_on__lte=day):
        result = out[flag.branch_id]
        result["level"] = max(result["level"], flag.level)
        result["facts"].append({"rule": "flag", "label": _("人工标记"), "detail": _("%(date)s 标记为 %(level)d 级：%(reason)s") % {
            "date": f"{flag.raised_on:%Y-%m-%d}", "level": flag.level, "reason": flag.reason},
            "url": _branch_url(flag.branch_id, "warning"), "points": 0})
    return out
