from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from minxin.core.forms import DateInput, ModelFieldsForm, StyledFormMixin
from minxin.disputes.models import Dispute, DisputeParty, Petition, Screening, SensitivePeriod
from minxin.regions.models import Region


class ScreeningForm(StyledFormMixin, ModelFieldsForm):
    """`village`: the villages the user files for (its own one is preselected)."""

    village = forms.ModelChoiceField(label=_("村"), queryset=Region.objects.none())

    class Meta:
        model = Screening
        fields = ["screened_on", "found", "note"]
        widgets = {"screened_on": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"found": _("没有矛盾纠纷时填 0（零报告）。")}

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages if villages is not None else Region.objects.none()
        self.order_fields(["village", "screened_on", "found", "note"])


class SensitivePeriodForm(StyledFormMixin, ModelFieldsForm):
    class Meta:
        model = SensitivePeriod
        fields = ["name", "start", "end"]
        widgets = {"start": DateInput(), "end": DateInput()}


def _party_fields(side, *, required: bool) -> tuple:
    """One party as the page asks for it (`side` names it): a villager found by household number and
    name, or an outsider by name, with a phone."""
    return (
        forms.CharField(label=format_lazy(_("{side}{field}"), side=side, field=_("姓名或名称")), max_length=64, required=required),
        forms.CharField(label=format_lazy(_("{side}{field}"), side=side, field=_("户编号")), max_length=32, required=False,
                        help_text=_("本村建档户填户编号，当事人即该户同名的成员；外村人员留空")),
        forms.CharField(label=format_lazy(_("{side}{field}"), side=side, field=_("联系电话")), max_length=20, required=False,
                        help_text=_("外村人员填写；本村村民的电话在户档案中")),
        forms.CharField(label=format_lazy(_("{side}{field}"), side=side, field=_("住址")), max_length=200, required=False),
    )


class DisputeForm(StyledFormMixin, ModelFieldsForm):
    village = forms.ModelChoiceField(label=_("村"), queryset=Region.objects.none())
    first_name, first_household, first_phone, first_address = _party_fields(_("当事人一方"), required=True)
    second_name, second_household, second_phone, second_address = _party_fields(_("当事人另一方"), required=False)

    class Meta:
        model = Dispute
        fields = ["title", "category", "risk", "intake", "arose_on", "reported_on", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"risk": _("红色：可能引发群体性事件或民转刑；橙色：矛盾激化；黄色：一般纠纷；蓝色：苗头隐患")}

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages if villages is not None else Region.objects.none()
        self.order_fields(["village", "title", "category", "risk", "intake", "arose_on", "reported_on", "summary"])


class DisputeEditForm(StyledFormMixin, ModelFieldsForm):
    class Meta:
        model = Dispute
        fields = ["title", "category", "risk", "intake", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}


class PartyForm(StyledFormMixin, forms.Form):
    side = forms.ChoiceField(label=_("身份"), choices=DisputeParty.Side.choices)
    name, household, phone, address = _party_fields(_("当事人"), required=True)


class StepForm(StyledFormMixin, forms.Form):
    """The fields of one step of a case (dispute or petition): `fields` names those it asks for,
    `note_label` what its note is."""

    done_on = forms.DateField(label=_("日期"), widget=DateInput())
    mediator = forms.CharField(label=_("调解员"), max_length=64)
    result = forms.ChoiceField(label=_("结果"), choices=())
    agreement = forms.ChoiceField(label=_("调解协议"), required=False,
                                  choices=[("", _("无协议"))] + list(Dispute.Agreement.choices)[1:])
    agreement_terms = forms.CharField(label=_("协议内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    amount = forms.DecimalField(label=_("协议金额（元）"), required=False, max_digits=12, decimal_places=2, min_value=0)
    perform_by = forms.DateField(label=_("履行期限"), required=False, widget=DateInput())
    court = forms.CharField(label=_("受理法院"), max_length=100)
    handler = forms.CharField(label=_("承办单位"), max_length=100)
    leader = forms.CharField(label=_("包案领导（姓名、职务）"), max_length=100)
    deadline = forms.DateField(label=_("化解期限"), widget=DateInput())
    note = forms.CharField(label=_("情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, step: str, label, fields: tuple[str, ...], note_label=None, results=(), **kwargs):
        super().__init__(*args, prefix=step, initial={"done_on": timezone.localdate()}, **kwargs)
        self.step_label = label
        for name in [name for name in self.fields if name not in ("done_on", *fields, "note")]:
            del self.fields[name]
        if "result" in self.fields:
            self.fields["result"].choices = results
        if note_label:
            self.fields["note"].label = note_label


class PetitionForm(StyledFormMixin, ModelFieldsForm):
    region = forms.ModelChoiceField(label=_("所在村（乡镇）"), queryset=Region.objects.none())
    household = forms.CharField(label=_("户编号"), max_length=32, required=False,
                                help_text=_("信访人是本村建档户成员时填写，信访人即该户同名成员"))

    class Meta:
        model = Petition
        fields = ["petitioner", "phone", "persons", "channel", "nature", "received_on", "title", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, regions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions if regions is not None else Region.objects.none()
        self.order_fields(["region", "petitioner", "household", "phone", "persons", "channel", "nature",
                           "received_on", "title", "content"])
