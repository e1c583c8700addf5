"""The steps an application offers now, to whom, with their form and the service each calls: the
detail page shows the offered steps' forms and takes the one posted. A step not offered (another
state, another role) is refused."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from minxin.accounts import roles
from minxin.fund import services, services_grant
from minxin.fund.forms import CheckForm, DateForm, DecideForm, ObjectionForm, TrancheForm
from minxin.fund.models import Application
from minxin.fund.rules import CHECKLIST_CODES

State = Application.State


@dataclass(frozen=True)
class Step:
    key: str
    label: Any
    capability: str
    states: tuple[str, ...]
    form: Callable[..., Any]
    call: Callable[..., Any]  # (actor, application, form) -> result
    ready: Callable[[Application], bool] = lambda application: True


def _check(actor, application, form):
    data = form.cleaned_data
    return services.application_check(
        actor=actor, application=application, on=data["on"],
        results={code: data[f"pass_{code}"] for code in CHECKLIST_CODES},
        notes={code: data[f"note_{code}"] for code in CHECKLIST_CODES})


def _decide(actor, application, form):
    data = form.cleaned_data
    return services_grant.decide(actor=actor, application=application, on=data["on"], approve=data["approve"],
                                 amount=data["amount"], direction=data["direction"],
                                 idempotency_key=data["idempotency_key"])


def _tranche(actor, application, form):
    data = form.cleaned_data
    return services_grant.tranche_pay(actor=actor, application=application, stage=data["stage"],
                                      amount=data["amount"], paid_on=data["paid_on"], voucher=data["voucher"],
                                      idempotency_key=data["idempotency_key"])


def _objection(actor, application, form):
    return services.objection_record(actor=actor, application=application, **form.cleaned_data)


STEPS = [
    Step("submit", _("报送乡镇"), roles.APPLY_FUND, (State.DRAFT, State.RETURNED),
         lambda *a, **k: DateForm(*a, label=_("报送日期"), **k),
         lambda actor, app, form: services.application_submit(actor=actor, application=app, on=form.cleaned_data["on"])),
    Step("check", _("乡镇审核"), roles.CHECK_FUND, (State.SUBMITTED,), CheckForm, _check),
    Step("notice", _("公示申报"), roles.MANAGE_FUND, (State.CHECKED,),
         lambda *a, **k: DateForm(*a, label=_("公示开始日期"), **k),
         lambda actor, app, form: services.notice_start(actor=actor, application=app, on=form.cleaned_data["on"])),
    Step("draw", _("抽取评审专家"), roles.MANAGE_FUND, (State.NOTICE,), None,
         lambda actor, app, form: services_grant.panel_draw(actor=actor, application=app),
         ready=lambda app: not app.seats.exists()),
    Step("decide", _("县级决定"), roles.MANAGE_FUND, (State.NOTICE,), DecideForm, _decide,
         ready=lambda app: app.seats.exists()),
    Step("tranche", _("拨付资金"), roles.MANAGE_FUND, (State.APPROVED,), TrancheForm, _tranche),
    Step("accept", _("项目验收"), roles.MANAGE_FUND, (State.APPROVED,),
         lambda *a, **k: DateForm(*a, label=_("验收日期"), **k),
         lambda actor, app, form: services_grant.application_accept(actor=actor, application=app,
                                                                    on=form.cleaned_data["on"]),
         ready=lambda app: app.closed_on is None and app.tranches.filter(stage="completion").exists()),
    Step("objection", _("登记公示异议"), roles.MANAGE_FUND, (State.NOTICE, State.APPROVED, State.REJECTED),
         ObjectionForm, _objection),
]
BY_KEY = {step.key: step for step in STEPS}


def offered(user, application: Application) -> list[Step]:
    return [step for step in STEPS if user.can(step.capability) and application.state in step.states
            and step.ready(application)]
