"""Forms of the registry pages. Format and uniqueness rules run in the services (and, as the user
types, in the validate endpoint), so each message is written once."""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from minxin.core.forms import DateInput, ModelFieldsForm, ModelMultipleChoiceField, StyledFormMixin
from minxin.registry import choices
from minxin.registry.models import Checklist, Household, Income, Member, PlanItem, VillageFile, VillagePlan

_LIVE = {"hx-trigger": "change, input changed delay:500ms", "hx-target": "next .mx-live", "hx-swap": "innerHTML"}


def _live(url: str, **extra) -> dict:
    return {**_LIVE, "hx-post": url, "autocomplete": "off", **extra}


class VersionedForm(StyledFormMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class HouseholdForm(StyledFormMixin, ModelFieldsForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Household
        fields = ["village", "number", "group", "address", "phone", "lat", "lon"]
        help_texts = {"group": _("如“3组”，只填数字也可以。"), "lat": _("北纬，如 28.5612"), "lon": _("东经，如 108.4963")}

    def __init__(self, *args, villages, validate_url: str, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["village"].label_from_instance = lambda r: f"{r.parent.name} {r.name}"
        self.fields["phone"].widget.attrs.update(_live(validate_url + "?field=phone"))
        if editing:
            del self.fields["village"]
            self.fields["number"].disabled = True



class HeadForm(StyledFormMixin, forms.Form):
    """The head, entered with a new household (a household always has exactly one head)."""

    head_name = forms.CharField(label=_("户主姓名"), max_length=64)
    head_id_number = forms.CharField(label=_("户主证件号码"), max_length=40,
                                     help_text=_("18 位身份证号；性别和出生日期由号码自动得出。"))
    head_ethnicity = forms.CharField(label=_("民族"), max_length=16, required=False, initial="土家族")

    def __init__(self, *args, validate_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head_id_number"].widget.attrs.update(_live(validate_url + "?field=id_number"))


class MemberForm(StyledFormMixin, ModelFieldsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Member
        fields = ["name", "id_number", "relation", "ethnicity", "education", "school_status", "health", "labour",
                  "migrant", "migrant_months", "medical_insurance", "pension_insurance", "dibao", "extreme_support",
                  "disabled", "family_planning", "party_member"]
        help_texts = {"id_number": _("18 位身份证号；性别和出生日期由号码自动得出。")}

    def __init__(self, *args, validate_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        months = self.fields["migrant_months"]  # the column allows 32767; the model's check, 12
        months.max_value, months.widget.attrs["max"] = 12, 12
        months.validators.append(MaxValueValidator(12))
        member_pk = self.instance.pk if self.instance else ""
        self.fields["id_number"].widget.attrs.update(_live(f"{validate_url}?field=id_number&member={member_pk}"))
        self.fields["id_number"].validators = []
        self.fields["id_number"].max_length = 40
        self.fields["id_number"].widget.attrs["maxlength"] = 40



class RegistrationForm(VersionedForm):
    registered = forms.BooleanField(label=_("建档立卡户"), required=False)
    year = forms.IntegerField(label=_("建档立卡年度"), required=False, min_value=2013, max_value=2100)
    attribute = forms.ChoiceField(label=_("贫困户属性"), required=False, choices=[("", "—"), *choices.Attribute.choices])
    status = forms.ChoiceField(label=_("脱贫状态"), required=False, choices=[("", "—"), *choices.Status.choices])
    exit_year = forms.IntegerField(label=_("脱贫年度"), required=False, min_value=2013, max_value=2100)
    main_cause = forms.ChoiceField(label=_("主要致贫原因"), required=False, choices=[("", "—"), *choices.Cause.choices])
    other_causes = forms.MultipleChoiceField(label=_("其他致贫原因（最多两项）"), required=False,
                                             choices=choices.Cause.choices, widget=forms.CheckboxSelectMultiple)


class IncomeForm(StyledFormMixin, ModelFieldsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Income
        fields = ["year", "wage", "business", "transfer", "assets", "costs", "persons"]



class ChecklistForm(StyledFormMixin, ModelFieldsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Checklist
        fields = ["food", "clothing", "education", "medical", "housing", "water", "checked_on", "note"]
        widgets = {"checked_on": DateInput()}



class HelpersForm(VersionedForm):
    cadres = ModelMultipleChoiceField(label=_("驻村干部"), required=False, queryset=None,
                                      widget=forms.CheckboxSelectMultiple)
    staff = ModelMultipleChoiceField(label=_("派出单位帮扶干部"), required=False, queryset=None,
                                     widget=forms.CheckboxSelectMultiple)
    names = forms.CharField(label=_("其他帮扶责任人（既非驻村干部也非派出单位干部时填写姓名，用顿号分隔）"),
                            required=False, max_length=500)

    def __init__(self, *args, cadres, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadres"].queryset = cadres
        self.fields["staff"].queryset = staff
        self.fields["staff"].label_from_instance = lambda s: f"{s.name}（{s.sending_unit.name}{' ' + s.position if s.position else ''}）"


class CareOverrideForm(VersionedForm):
    category = forms.ChoiceField(label=_("关爱类别"), choices=choices.Care.choices)
    value = forms.ChoiceField(label=_("认定"), choices=[("yes", _("属于")), ("no", _("不属于")), ("auto", _("按自动认定"))])
    reason = forms.CharField(label=_("理由"), max_length=500, required=False)


class VillageFileForm(StyledFormMixin, ModelFieldsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = VillageFile
        fields = ["road", "water", "electricity", "broadband", "clinic", "collective_income", "committees",
                  "party_branch", "liaison_room", "notes"]
        widgets = {"committees": forms.Textarea(attrs={"rows": 3}), "party_branch": forms.Textarea(attrs={"rows": 3}),
                   "notes": forms.Textarea(attrs={"rows": 3})}


class VillagePlanForm(StyledFormMixin, ModelFieldsForm):
    class Meta:
        model = VillagePlan
        fields = ["title", "start_year", "end_year", "approved_on", "summary"]
        widgets = {"approved_on": DateInput(), "summary": forms.Textarea(attrs={"rows": 4})}


class PlanItemForm(StyledFormMixin, ModelFieldsForm):
    class Meta:
        model = PlanItem
        fields = ["title", "category", "due_on", "status", "done_on", "progress_note"]
        widgets = {"due_on": DateInput(), "done_on": DateInput()}


class SheetChoiceForm(StyledFormMixin, forms.Form):
    """Which sheet of the workbook to import, among those that hold the template's header."""

    sheet = forms.ChoiceField(label=_("要导入的工作表"), widget=forms.RadioSelect)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sheet"].choices = [(name, name) for name in choices]


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("户信息表（.xlsx、.xls 或 .csv）"))
    dry_run = forms.BooleanField(label=_("只检查，不写入（试导入）"), required=False)
    skip_invalid = forms.BooleanField(label=_("跳过有错误的户，导入其余的户"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".xls", ".csv", ".xlsm")):
            raise forms.ValidationError(_("请上传 .xlsx、.xls 或 .csv 文件。"))
        return upload
