"""Forms of the party module. People are chosen from the registry (a villager by name, pinyin or
household number — never by an identifier) or from the branch's members."""

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minxin.cadres.models import Cadre, SendingUnit
from minxin.core.forms import (
    DateInput,
    ModelFieldsForm,
    ModelMultipleChoiceField,
    SearchableSelect,
    StyledFormMixin,
)
from minxin.party.models import (
    Branch,
    FollowUp,
    Item,
    PartyMember,
    Post,
    Rectification,
    Reserve,
    Site,
    Step,
    Survey,
)
from minxin.party.rules import LIFE_CHOICES, SITE_CRITERIA
from minxin.regions.models import Region
from minxin.registry.models import Household, Member


def _person_field(label, *, required: bool = True) -> forms.ModelChoiceField:
    """A villager, chosen by name, pinyin or household number; the view narrows the queryset."""
    field = forms.ModelChoiceField(label=label, queryset=Member.objects.none(), required=required,
                                   widget=SearchableSelect(search_text=lambda m: f"{m.name_pinyin} {m.household.number}",
                                                           placeholder=_("输入姓名、拼音或户编号筛选")))
    field.label_from_instance = lambda m: f"{m.name}（{m.household.number}）"
    return field


def _people(queryset: QuerySet[Member] | None) -> QuerySet[Member]:
    return queryset.select_related("household") if queryset is not None else Member.objects.none()


def _member_label(member: PartyMember) -> str:
    return f"{member.name}（{member.get_status_display()}）"


class BranchForm(StyledFormMixin, ModelFieldsForm):
    village = forms.ModelChoiceField(label=_("村"), queryset=Region.objects.none())

    class Meta:
        model = Branch
        fields = ["name", "founded_on", "joint_unit", "contact_unit"]
        help_texts = {"joint_unit": _("与本村联建党支部的派出单位"), "contact_unit": _("机关支部联系基层：联系本村的机关单位")}

    def __init__(self, *args, villages=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if villages is None:
            del self.fields["village"]
        else:
            self.fields["village"].queryset = villages
        for name in ("joint_unit", "contact_unit"):
            self.fields[name].queryset = units if units is not None else SendingUnit.objects.none()


class PostForm(StyledFormMixin, ModelFieldsForm):
    holder = _person_field(_("任职人（空缺时不选）"), required=False)
    since = forms.DateField(label=_("任职日期（空缺时为空缺起始日期）"), widget=DateInput())

    class Meta:
        model = Post
        fields = ["committee", "title", "term_start"]

    def __init__(self, *args, villagers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = _people(villagers)
        if self.instance is not None:
            self.initial["since"] = self.instance.since or self.instance.vacant_since


class MemberForm(StyledFormMixin, forms.Form):
    person = _person_field(_("本村村民"), required=False)
    cadre = forms.ModelChoiceField(label=_("或：驻村干部"), queryset=Cadre.objects.none(), required=False)
    joined_on = forms.DateField(label=_("入党日期"), widget=DateInput())
    status = forms.ChoiceField(label=_("党员类别"), choices=PartyMember.Status.choices)

    def __init__(self, *args, villagers=None, cadres=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _people(villagers)
        self.fields["cadre"].queryset = cadres if cadres is not None else Cadre.objects.none()


class ContactForm(StyledFormMixin, forms.Form):
    member = forms.ModelChoiceField(label=_("联系党员"), queryset=PartyMember.objects.none())
    household = forms.ModelChoiceField(label=_("联系农户"), queryset=Household.objects.none(),
                                       widget=SearchableSelect(search_text=lambda h: h.name_pinyin,
                                                               placeholder=_("输入户主姓名、拼音或户编号筛选")))
    since = forms.DateField(label=_("起始日期"), widget=DateInput())

    def __init__(self, *args, members=None, households=None, **kwargs):
        super().__init__(*args, initial={"since": timezone.localdate()}, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = _member_label
        self.fields["household"].queryset = households


class EventForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=LIFE_CHOICES)
    held_on = forms.DateField(label=_("日期"), widget=DateInput())
    topic = forms.CharField(label=_("主题"), max_length=200)
    attendees = ModelMultipleChoiceField(label=_("参加党员"), queryset=PartyMember.objects.none(), required=False,
                                         widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("记录摘要"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, initial={"held_on": timezone.localdate()}, **kwargs)
        self.fields["attendees"].queryset = members
        self.fields["attendees"].label_from_instance = _member_label


class SurveyForm(StyledFormMixin, ModelFieldsForm):
    class Meta:
        model = Survey
        fields = ["held_on", "respondents", "satisfied", "dissatisfied"]


class CaseForm(StyledFormMixin, forms.Form):
    person = _person_field(_("申请人"))
    applied_on = forms.DateField(label=_("递交申请日期"), widget=DateInput())
    document = forms.CharField(label=_("材料"), max_length=200, required=False, initial=_("入党申请书"))

    def __init__(self, *args, villagers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _people(villagers)


class StepForm(StyledFormMixin, forms.Form):
    """One step of a case: its date and document, and what the kind records beside them (the fields
    of other kinds are removed)."""

    notice_from = forms.DateField(label=_("公示开始日期"), widget=DateInput())
    on = forms.DateField(label=_("日期"), widget=DateInput())
    document = forms.CharField(label=_("材料"), max_length=200, required=False)
    sponsors = ModelMultipleChoiceField(label=_("入党介绍人（两名正式党员）"), queryset=PartyMember.objects.none(),
                                        widget=forms.CheckboxSelectMultiple)
    hours = forms.IntegerField(label=_("培训学时"), min_value=0, max_value=1000)
    entitled = forms.IntegerField(label=_("应到会有表决权的正式党员"), min_value=0, max_value=10000)
    present = forms.IntegerField(label=_("实到会有表决权的正式党员"), min_value=0, max_value=10000)
    votes_for = forms.IntegerField(label=_("赞成票"), min_value=0, max_value=10000)
    against = forms.IntegerField(label=_("反对票"), min_value=0, max_value=10000)
    abstain = forms.IntegerField(label=_("弃权票"), min_value=0, max_value=10000)
    reason = forms.CharField(label=_("终止原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    EXTRA = {
        Step.Kind.TARGET: ("sponsors",),
        Step.Kind.TRAINING: ("hours",),
        Step.Kind.NOTICE: ("notice_from",),
        Step.Kind.MEETING: ("entitled", "present", "votes_for", "against", "abstain"),
        Step.Kind.STOP: ("reason",),
    }
    DATE_LABELS = {Step.Kind.NOTICE: _("公示结束日期"), Step.Kind.MEETING: _("支部大会日期")}

    def __init__(self, *args, kind: str, sponsors=None, **kwargs):
        super().__init__(*args, initial={"on": timezone.localdate()}, **kwargs)
        keep = {"on", "document", *self.EXTRA.get(kind, ())}
        for name in [name for name in self.fields if name not in keep]:
            del self.fields[name]
        self.fields["on"].label = self.DATE_LABELS.get(kind, _("日期"))
        if "sponsors" in self.fields:
            self.fields["sponsors"].queryset = sponsors
            self.fields["sponsors"].label_from_instance = _member_label

    def details(self) -> dict:
        data = {key: value for key, value in self.cleaned_data.items() if key not in ("on", "document")}
        if "votes_for" in data:
            data["for"] = data.pop("votes_for")
        return data


class ReserveForm(StyledFormMixin, ModelFieldsForm):
    person = _person_field(_("人员"))

    class Meta:
        model = Reserve
        fields = ["person", "pool", "since", "training", "mentor", "outcome", "outcome_on"]
        widgets = {"training": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, villagers=None, mentors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _people(villagers)
        self.fields["mentor"].queryset = mentors if mentors is not None else PartyMember.objects.none()
        self.fields["mentor"].label_from_instance = _member_label


class FlagForm(StyledFormMixin, forms.Form):
    level = forms.TypedChoiceField(label=_("预警等级"), coerce=int, choices=[(n, n) for n in range(1, 6)])
    raised_on = forms.DateField(label=_("标记日期"), widget=DateInput())
    reason = forms.CharField(label=_("事由"), widget=forms.Textarea(attrs={"rows": 3}))


class RectificationForm(StyledFormMixin, ModelFieldsForm):
    branch = forms.ModelChoiceField(label=_("村党组织"), queryset=Branch.objects.none())

    class Meta:
        model = Rectification
        fields = ["branch", "year", "listed_on", "decision", "reasons", "leader", "unit"]
        widgets = {"reasons": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, branches=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches
        self.fields["unit"].queryset = units


class ItemForm(StyledFormMixin, ModelFieldsForm):
    class Meta:
        model = Item
        fields = ["problem", "measure", "owner", "deadline"]
        widgets = {"measure": forms.Textarea(attrs={"rows": 2})}


class ProgressForm(StyledFormMixin, forms.Form):
    month = forms.DateField(label=_("月份（任选该月一天）"), widget=DateInput())
    note = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 3}))


class AcceptForm(StyledFormMixin, forms.Form):
    accepted_on = forms.DateField(label=_("验收日期"), widget=DateInput())
    score = forms.DecimalField(label=_("验收得分"), min_value=0, max_value=100, decimal_places=1, max_digits=4)
    respondents = forms.IntegerField(label=_("群众测评人数"), min_value=1, max_value=100000)
    dissatisfied = forms.IntegerField(label=_("其中不满意"), min_value=0, max_value=100000)


class FollowUpForm(StyledFormMixin, ModelFieldsForm):
    class Meta:
        model = FollowUp
        fields = ["on", "finding", "relapsed"]
        widgets = {"finding": forms.Textarea(attrs={"rows": 3})}


class SiteForm(StyledFormMixin, forms.Form):
    branch = forms.ModelChoiceField(label=_("村党组织"), queryset=Branch.objects.none())
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    feature = forms.CharField(label=_("示范特色"), max_length=200)

    def __init__(self, *args, branches=None, **kwargs):
        super().__init__(*args, initial={"year": timezone.localdate().year}, **kwargs)
        self.fields["branch"].queryset = branches


class SiteReviewForm(StyledFormMixin, forms.Form):
    criteria = forms.MultipleChoiceField(label=_("达标的示范标准"), choices=SITE_CRITERIA, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    status = forms.ChoiceField(label=_("评审结论"), choices=[(v, label) for v, label in Site.Status.choices if v != "proposed"])
    reviewed_on = forms.DateField(label=_("评审日期"), widget=DateInput())
    review = forms.CharField(label=_("评审意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

