"""Forms of the liaison rooms. The money forms carry an idempotency key (core.forms)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minxin.cadres.models import SendingUnit
from minxin.core.forms import DateInput, IdempotentFormMixin, ModelFieldsForm, StyledFormMixin
from minxin.ledger.money import MAX_YUAN, to_yuan
from minxin.regions.models import Region
from minxin.rooms.checklist import RUBRIC, STANDARDS
from minxin.rooms.models import Due, Room, Spending

AMOUNT = {"label": _("金额（元）"), "max_digits": 14, "decimal_places": 2, "min_value": 0, "max_value": MAX_YUAN}


class RoomForm(StyledFormMixin, ModelFieldsForm):
    """A room's facts and checklist. `villages` only when opening one; `units` only for those who set
    who pays and when the room opens, which levies its funds (the township and county)."""

    village = forms.ModelChoiceField(label=_("村"), queryset=Region.objects.none())
    standards = forms.MultipleChoiceField(label=_("标准化建设清单（已达标的项目）"), choices=STANDARDS, required=False,
                                          widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Room
        fields = ["opened_on", "address", "area", "sending_unit", "disclosed_on", "equipment"]
        widgets = {"opened_on": DateInput(), "disclosed_on": DateInput(),
                   "equipment": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"opened_on": _("启用后自动生成当年的工作经费应拨数和省级补助"),
                      "sending_unit": _("承担工作经费中派出单位部分的单位，默认为第一书记的派出单位"),
                      "disclosed_on": _("党务、村务、财务公开至少每季度一次")}

    def __init__(self, *args, villages=None, units=None, **kwargs):
        instance = kwargs.get("instance")
        if instance is not None:
            kwargs["initial"] = {"standards": [code for code, met in instance.standards.items() if met],
                                 **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        if villages is None:
            del self.fields["village"]
        else:
            self.fields["village"].queryset = villages
        if units is None:
            del self.fields["sending_unit"], self.fields["opened_on"]
        else:
            self.fields["sending_unit"].queryset = units

    def values(self) -> dict:
        data = {key: value for key, value in self.cleaned_data.items() if key != "village"}
        data["standards"] = {code: code in data.get("standards", []) for code, _label in STANDARDS}
        return data


def unit_choices(user):
    return SendingUnit.objects.visible_to(user).order_by("name")


class ReceiptForm(IdempotentFormMixin, StyledFormMixin, forms.Form):
    due = forms.ModelChoiceField(label=_("应拨经费"), queryset=Due.objects.none())
    amount = forms.DecimalField(**AMOUNT)
    received_on = forms.DateField(label=_("到账日期"), widget=DateInput())
    reference = forms.CharField(label=_("凭证号"), max_length=64, required=False)

    def __init__(self, *args, dues=None, **kwargs):
        super().__init__(*args, initial={"received_on": timezone.localdate()}, **kwargs)
        self.fields["due"].queryset = dues if dues is not None else Due.objects.none()
        self.fields["due"].label_from_instance = lambda due: _("%(year)d 年 %(payer)s（尚欠 %(left)s 元）") % {
            "year": due.year, "payer": due.get_payer_display(), "left": to_yuan(due.remaining_fen)}


class SpendingForm(IdempotentFormMixin, StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("经费类别"), choices=Spending.Kind.choices)
    amount = forms.DecimalField(**AMOUNT)
    spent_on = forms.DateField(label=_("支出日期"), widget=DateInput())
    purpose = forms.CharField(label=_("用途"), max_length=200)

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, initial={"spent_on": timezone.localdate()}, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [(v, label) for v, label in Spending.Kind.choices if v in kinds]


class BudgetForm(IdempotentFormMixin, StyledFormMixin, forms.Form):
    amount = forms.DecimalField(**AMOUNT)
    allotted_on = forms.DateField(label=_("下达日期"), widget=DateInput())
    memo = forms.CharField(label=_("文件或摘要"), max_length=200)


class LevyForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)


class ReverseForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("冲销原因"), max_length=150)


class EvaluationForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(label=_("半年"), coerce=int, choices=[(1, _("上半年")), (2, _("下半年"))])
    evaluated_on = forms.DateField(label=_("评估日期"), widget=DateInput())
    note = forms.CharField(label=_("评估意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        today = timezone.localdate()
        super().__init__(*args, initial={"year": today.year, "half": 1 if today.month <= 6 else 2,
                                         "evaluated_on": today}, **kwargs)
        for code, label, most in RUBRIC:
            self.fields[f"score_{code}"] = forms.IntegerField(
                label=_("%(item)s（满分 %(max)d）") % {"item": label, "max": most}, min_value=0, max_value=most)
        self.order_fields(["year", "half", "evaluated_on", *[f"score_{code}" for code, _l, _m in RUBRIC], "note"])

    def scores(self) -> dict:
        return {code: self.cleaned_data[f"score_{code}"] for code, _label, _most in RUBRIC}

