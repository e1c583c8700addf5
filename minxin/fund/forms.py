"""Forms of the fund. The money forms (contribution, decision, tranche) carry an idempotency key."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minxin.accounts.models import User
from minxin.accounts.roles import Role
from minxin.cadres.models import SendingUnit
from minxin.core.forms import DateInput, IdempotentFormMixin, ModelMultipleChoiceField, StyledFormMixin
from minxin.fund.models import Application, Contribution, Tranche
from minxin.fund.rules import CHECKLIST, LEVELS, LINE_CATEGORIES, RUBRIC
from minxin.ledger.money import MAX_YUAN
from minxin.regions.models import Region

AMOUNT = {"label": _("金额（元）"), "max_digits": 14, "decimal_places": 2, "min_value": 0, "max_value": MAX_YUAN}


def _today(**extra):
    return {"initial": {"on": timezone.localdate(), **extra}}


class ContributionForm(IdempotentFormMixin, StyledFormMixin, forms.Form):
    source = forms.ChoiceField(label=_("来源"), choices=Contribution.Source.choices)
    donor = forms.CharField(label=_("出资单位或个人"), max_length=100)
    amount = forms.DecimalField(**AMOUNT)
    received_on = forms.DateField(label=_("到账日期"), widget=DateInput())
    receipt_no = forms.CharField(label=_("收据编号"), max_length=64)
    memo = forms.CharField(label=_("备注"), max_length=200, required=False)


class ExpertForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=64)
    organisation = forms.CharField(label=_("工作单位"), max_length=100)
    specialty = forms.CharField(label=_("专业领域"), max_length=100, required=False)
    user = forms.ModelChoiceField(label=_("登录账号（评审专家角色）"), queryset=User.objects.none(), required=False)
    sending_unit = forms.ModelChoiceField(label=_("所属派出单位"), queryset=SendingUnit.objects.none(), required=False,
                                          help_text=_("该单位派驻干部的村的申报，本专家须回避"))
    tied_villages = ModelMultipleChoiceField(label=_("须回避的村（户籍地、亲属所在地等）"),
                                             queryset=Region.objects.none(), required=False)
    active = forms.BooleanField(label=_("在库（可被抽取）"), required=False, initial=True)

    def __init__(self, *args, user=None, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (User.objects.visible_to(user).filter(role=Role.EXPERT, is_active=True)
                                        .order_by("username"))
        self.fields["sending_unit"].queryset = SendingUnit.objects.visible_to(user).order_by("name")
        self.fields["tied_villages"].queryset = villages if villages is not None else Region.objects.none()
        self.fields["tied_villages"].widget.attrs["size"] = 8


class ApplicationForm(StyledFormMixin, forms.Form):
    village = forms.ModelChoiceField(label=_("申报村"), queryset=Region.objects.none())
    title = forms.CharField(label=_("项目名称"), max_length=100)
    beneficiary = forms.ChoiceField(label=_("受益对象"), choices=Application.Beneficiary.choices)
    household = forms.CharField(label=_("受益户编号"), max_length=32, required=False,
                                help_text=_("贫困户、贫困党员申报填本村建档户的户编号"))
    kind = forms.ChoiceField(label=_("项目类型"), choices=Application.Kind.choices)
    beneficiaries = forms.IntegerField(label=_("带动贫困户数"), min_value=0, max_value=100000, initial=0)
    plan = forms.CharField(label=_("实施方案"), widget=forms.Textarea(attrs={"rows": 3}))
    mechanism = forms.CharField(label=_("带贫益贫机制"), widget=forms.Textarea(attrs={"rows": 2}))
    targets = forms.CharField(label=_("绩效目标"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages if villages is not None else Region.objects.none()


class LineForm(StyledFormMixin, forms.Form):
    category = forms.ChoiceField(label=_("支出类别"), choices=[("", "—"), *LINE_CATEGORIES], required=False)
    item = forms.CharField(label=_("支出内容"), max_length=100, required=False)
    amount = forms.DecimalField(required=False, **{**AMOUNT, "label": _("金额（元）")})


LineFormSet = forms.formset_factory(LineForm, extra=5, max_num=50, absolute_max=50, validate_max=True)


class DateForm(StyledFormMixin, forms.Form):
    on = forms.DateField(label=_("日期"), widget=DateInput())

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **_today(), **kwargs)
        if label:
            self.fields["on"].label = label


class CheckForm(DateForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, label=_("审核日期"), **kwargs)
        for code, label in CHECKLIST:
            self.fields[f"pass_{code}"] = forms.BooleanField(label=label, required=False, initial=True)
            self.fields[f"note_{code}"] = forms.CharField(label=_("意见"), max_length=500, required=False)


class ObjectionForm(StyledFormMixin, forms.Form):
    received_on = forms.DateField(label=_("收到日期"), widget=DateInput())
    raised_by = forms.CharField(label=_("反映人（可匿名）"), max_length=64, required=False)
    content = forms.CharField(label=_("异议内容"), widget=forms.Textarea(attrs={"rows": 2}))
    answer = forms.CharField(label=_("核实处理情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, initial={"received_on": timezone.localdate()}, **kwargs)


class DecideForm(IdempotentFormMixin, DateForm):
    approve = forms.TypedChoiceField(label=_("决定"), coerce=lambda v: v == "yes",
                                     choices=[("yes", _("批准")), ("no", _("不予支持"))])
    amount = forms.DecimalField(required=False, **{**AMOUNT, "label": _("批准金额（元）")})
    direction = forms.CharField(label=_("决定意见（资金用途和要求）"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label=_("决定日期"), **kwargs)


class TrancheForm(IdempotentFormMixin, StyledFormMixin, forms.Form):
    stage = forms.ChoiceField(label=_("拨付阶段"), choices=Tranche.Stage.choices)
    amount = forms.DecimalField(**AMOUNT)
    paid_on = forms.DateField(label=_("拨付日期"), widget=DateInput())
    voucher = forms.CharField(label=_("拨付凭证号"), max_length=64, required=False)


class ScoreForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(label=_("评审意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label, weight, anchors in RUBRIC:
            self.fields[f"level_{code}"] = forms.TypedChoiceField(
                label=_("%(item)s（%(weight)d 分）") % {"item": label, "weight": weight}, coerce=int,
                choices=[(level, f"{level} · {anchor}") for level, anchor in zip(range(1, LEVELS + 1), anchors,
                                                                                  strict=True)],
                widget=forms.RadioSelect)
        self.order_fields([f"level_{code}" for code, *_rest in RUBRIC] + ["comment"])

    def levels(self) -> dict:
        return {code: self.cleaned_data[f"level_{code}"] for code, *_rest in RUBRIC}
