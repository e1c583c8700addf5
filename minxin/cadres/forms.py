from django import forms
from django.utils.translation import gettext_lazy as _

from minxin.cadres.models import (
    Assignment,
    Cadre,
    Insurance,
    LeaveRequest,
    SendingUnit,
    StudySession,
    UnitStaff,
)
from minxin.core.forms import DateInput, ModelFieldsForm, ModelMultipleChoiceField, StyledFormMixin
from minxin.regions.models import Region


class SendingUnitForm(StyledFormMixin, ModelFieldsForm):
    class Meta:
        model = SendingUnit
        fields = ["name", "level", "kind", "contact_name", "contact_phone"]


class UnitStaffForm(StyledFormMixin, ModelFieldsForm):
    class Meta:
        model = UnitStaff
        fields = ["name", "position"]


class CadreForm(StyledFormMixin, ModelFieldsForm):
    class Meta:
        model = Cadre
        fields = ["name", "id_number", "phone", "sending_unit", "is_party_member", "post"]
        help_texts = {"id_number": _("18 位身份证号，性别和出生日期由号码自动得出。")}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sending_unit"].queryset = SendingUnit.objects.visible_to(actor).order_by("level", "name")
        # Uniqueness and format are checked by the service, with messages in Chinese.
        self.fields["id_number"].validators = []


class AssignmentForm(StyledFormMixin, ModelFieldsForm):
    class Meta:
        model = Assignment
        fields = ["village", "role", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = Region.objects.visible_to(actor).villages().select_related("parent")
        self.fields["village"].label_from_instance = lambda r: f"{r.parent.name} {r.name}"



class AssignmentEndForm(StyledFormMixin, forms.Form):
    end_date = forms.DateField(label=_("结束日期"), widget=DateInput())
    recall = forms.BooleanField(label=_("召回（非期满结束）"), required=False)
    reason = forms.CharField(label=_("原因"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class InsuranceForm(StyledFormMixin, ModelFieldsForm):
    class Meta:
        model = Insurance
        fields = ["policy_number", "insurer", "start_date", "end_date", "premium"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}



class LeaveForm(StyledFormMixin, ModelFieldsForm):
    class Meta:
        model = LeaveRequest
        fields = ["start_date", "end_date", "reason"]
        widgets = {"start_date": DateInput(), "end_date": DateInput(),
                   "reason": forms.Textarea(attrs={"rows": 2})}


class StudySessionForm(StyledFormMixin, ModelFieldsForm):
    """`attendees`: the cadres the recorder sees — or, for a cadre, itself alone (the field is then fixed)."""

    attendees = ModelMultipleChoiceField(label=_("参加的驻村干部"), queryset=Cadre.objects.none(),
                                         widget=forms.SelectMultiple(attrs={"size": 8}),
                                         help_text=_("按住 Ctrl（手机上直接点选）可选多人。"))

    class Meta:
        model = StudySession
        fields = ["title", "kind", "held_on", "hours", "organiser", "note"]
        widgets = {"held_on": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, cadres=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = cadres if cadres is not None else Cadre.objects.none()


class LeaveDecisionForm(StyledFormMixin, forms.Form):
    approve = forms.TypedChoiceField(label=_("审批结果"), choices=[("1", _("批准")), ("0", _("不批准"))],
                                     coerce=lambda v: v == "1", widget=forms.RadioSelect)
    note = forms.CharField(label=_("审批意见"), max_length=500, required=False)
