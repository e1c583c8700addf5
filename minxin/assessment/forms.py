"""Forms of the assessment pages. They only parse input; rules are checked by the services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minxin.assessment import indicators as registry
from minxin.assessment.hearts import HEART_CHOICES
from minxin.assessment.models import (
    Consequence,
    Finding,
    Grade,
    Inspection,
    PledgeDelivery,
    PledgeItem,
    Scheme,
)
from minxin.assessment.models.scheme import MAX_STEP, MAX_TARGET
from minxin.cadres.models import Cadre
from minxin.core.forms import DateInput, ModelFieldsForm, StyledFormMixin
from minxin.regions.models import Region


class SchemeRulesForm(StyledFormMixin, ModelFieldsForm):
    note = forms.CharField(label=_("修改说明"), max_length=500, required=False)

    class Meta:
        model = Scheme
        fields = Scheme.RULE_FIELDS



class WeightsForm(StyledFormMixin, forms.Form):
    """One weight, target and (for lower-is-better indicators) step per registered indicator."""

    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for ind in registry.registered():
            weight, target, step = current.get(ind.code, (0, ind.default_target, ind.default_step))
            names = (f"{ind.code}-weight", f"{ind.code}-target", f"{ind.code}-step")
            self.fields[names[0]] = forms.DecimalField(label=_("权重"), initial=weight, min_value=0, max_value=100,
                                                       decimal_places=2)
            if ind.is_auto:
                self.fields[names[1]] = forms.DecimalField(label=_("目标值"), initial=target, min_value=0,
                                                           max_value=MAX_TARGET, decimal_places=2)
            if ind.direction == registry.LOWER:
                self.fields[names[2]] = forms.DecimalField(label=_("扣分"), initial=step, min_value=0,
                                                           max_value=MAX_STEP, decimal_places=2)
            self.fields[names[0]].widget.attrs.update({"data-weight": "1", "step": "0.5"})
            self.rows.append((ind, [self[name] for name in names if name in self.fields]))

    def weights(self) -> dict:
        data = self.cleaned_data
        return {ind.code: {"weight": data.get(f"{ind.code}-weight") or 0,
                           "target": data.get(f"{ind.code}-target") if data.get(f"{ind.code}-target") is not None
                           else ind.default_target,
                           "step": data.get(f"{ind.code}-step") or 0}
                for ind, _fields in self.rows}


class QuarterForm(StyledFormMixin, forms.Form):
    quarter = forms.CharField(label=_("季度"), max_length=8, help_text=_("如 2026Q3"))


class AppealForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("申诉理由"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)


class AppealDecisionForm(StyledFormMixin, forms.Form):
    upheld = forms.TypedChoiceField(label=_("处理结果"), choices=[("1", _("申诉成立")), ("0", _("申诉不成立"))],
                                    coerce=lambda v: v == "1", widget=forms.RadioSelect)
    corrected_score = forms.DecimalField(label=_("更正后得分"), required=False, decimal_places=2,
                                         help_text=_("申诉成立时填写，0–100"))
    decision = forms.CharField(label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


PLEDGE_ROWS = 10


class PledgeForm(StyledFormMixin, forms.Form):
    """Up to ten items; empty rows are ignored."""

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        items = list(items)
        rows = max(PLEDGE_ROWS, len(items) + 2)
        self.rows = []
        for n in range(rows):
            item = items[n] if n < len(items) else {}
            self.fields[f"heart_{n}"] = forms.ChoiceField(label=_("所属“心”"), required=False,
                                                          choices=[("", "—")] + HEART_CHOICES,
                                                          initial=item.get("heart", ""))
            self.fields[f"text_{n}"] = forms.CharField(label=_("承诺事项"), required=False, max_length=300,
                                                       initial=item.get("text", ""))
            self.fields[f"measure_{n}"] = forms.CharField(label=_("衡量标准"), required=False, max_length=200,
                                                          initial=item.get("measure", ""))
            self.rows.append((self[f"heart_{n}"], self[f"text_{n}"], self[f"measure_{n}"]))

    def items(self) -> list[dict]:
        data = self.cleaned_data
        return [{"heart": data.get(f"heart_{n}", ""), "text": data.get(f"text_{n}", ""),
                 "measure": data.get(f"measure_{n}", "")} for n in range(len(self.rows))]


class PledgeReviewForm(StyledFormMixin, forms.Form):
    result = forms.ChoiceField(label=_("评诺结果"), choices=PledgeItem.Result.choices, widget=forms.RadioSelect)
    evidence = forms.CharField(label=_("评诺依据"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class PledgeDeliveryForm(StyledFormMixin, forms.Form):
    audience = forms.ChoiceField(label=_("承诺对象"), choices=PledgeDelivery.Audience.choices)
    delivered_on = forms.DateField(label=_("报送日期"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class InspectionForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=Inspection.Kind.choices)
    village = forms.ModelChoiceField(label=_("村"), queryset=Region.objects.none())
    date = forms.DateField(label=_("日期"), widget=DateInput())
    summary = forms.CharField(label=_("督查情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = Region.objects.visible_to(actor).villages().select_related("parent")
        self.fields["village"].label_from_instance = lambda r: f"{r.parent.name} {r.name}"
        self.fields["date"].initial = timezone.localdate()


def _cadre_field(inspection):
    field = forms.ModelChoiceField(label=_("驻村干部"), queryset=Cadre.objects.filter(
        assignments__village_id=inspection.village_id).distinct().order_by("name_pinyin"))
    return field


class FindingForm(StyledFormMixin, forms.Form):
    cadre = forms.ModelChoiceField(label=_("驻村干部"), queryset=Cadre.objects.none(), required=False)
    indicator = forms.ChoiceField(label=_("相关指标"), required=False)
    severity = forms.ChoiceField(label=_("性质"), choices=Finding.Severity.choices, initial=Finding.Severity.GENERAL)
    text = forms.CharField(label=_("发现问题"), widget=forms.Textarea(attrs={"rows": 3}))
    unexcused_absence = forms.BooleanField(label=_("抽查时无故不在岗"), required=False)
    deadline = forms.DateField(label=_("整改期限（填写则生成整改任务）"), required=False, widget=DateInput())

    def __init__(self, *args, inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"] = _cadre_field(inspection)
        self.fields["cadre"].required = False
        self.fields["indicator"].choices = [("", "—")] + [(i.code, f"{i.label}") for i in registry.registered()]


class ManualScoreForm(StyledFormMixin, forms.Form):
    cadre = forms.ModelChoiceField(label=_("驻村干部"), queryset=Cadre.objects.none())
    indicator = forms.ChoiceField(label=_("指标"))
    score = forms.CharField(label=_("得分（0–100）"), max_length=12)
    note = forms.CharField(label=_("评分说明"), required=False, max_length=500)

    def __init__(self, *args, inspection, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"] = _cadre_field(inspection)
        self.fields["indicator"].choices = [(i.code, f"{i.label}") for i in registry.registered() if not i.is_auto]


class RectificationForm(StyledFormMixin, forms.Form):
    result = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 3}))
    done = forms.BooleanField(label=_("整改完成"), required=False)


class YearForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2015, max_value=2100)


class GradeConfirmForm(StyledFormMixin, forms.Form):
    final = forms.ChoiceField(label=_("确定等次"), choices=Grade.choices)
    reason = forms.CharField(label=_("调整理由（与计算等次不同时必填）"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ConsequenceForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=Consequence.Kind.choices)
    year = forms.IntegerField(label=_("年度"), min_value=2015, max_value=2100)
    title = forms.CharField(label=_("名称"), max_length=200, help_text=_("如：“十颗心”最美第一书记"))
    basis = forms.CharField(label=_("依据"), widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = forms.DateField(label=_("决定日期"), widget=DateInput())
