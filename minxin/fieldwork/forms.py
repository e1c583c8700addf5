from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minxin.core.forms import LocalDateTimeInput, SearchableSelect, StyledFormMixin
from minxin.fieldwork.models import FamilyCall, Meeting, Need, VillagerRequest, Visit
from minxin.regions.models import Region
from minxin.registry.models import Household


def _when(label=None):
    return forms.DateTimeField(label=label or _("时间"), widget=LocalDateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"],
                               initial=lambda: timezone.localtime().replace(second=0, microsecond=0))


def _village_field(actor):
    field = forms.ModelChoiceField(label=_("村"), queryset=Region.objects.visible_to(actor).villages()
                                   .select_related("parent").order_by("code"))
    field.label_from_instance = lambda r: f"{r.parent.name} {r.name}" if r.parent else r.name
    return field


def _household_field(actor, village_code: str | None, *, required=True):
    qs = Household.objects.visible_to(actor).order_by("village_id", "group", "number")
    if village_code:
        qs = qs.filter(village_id=village_code)
    field = forms.ModelChoiceField(label=_("农户"), queryset=qs, required=required, widget=SearchableSelect(
        search_text=lambda h: h.name_pinyin, placeholder=_("输入户主姓名、拼音首字母或户编号筛选")))
    field.label_from_instance = lambda h: f"{h.number} {h.head_name} {h.group}".strip()
    return field


class VisitForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("走访类型"), choices=Visit.Kind.choices)
    occurred_at = _when(_("走访时间"))
    notes = forms.CharField(label=_("民情日记"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    help_given = forms.CharField(label=_("帮扶措施"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    need_category = forms.ChoiceField(label=_("群众提出的需求：类别"), choices=[("", "—"), *Need.Category.choices],
                                      required=False)
    need_text = forms.CharField(label=_("群众提出的需求：内容"), required=False, max_length=2000,
                                widget=forms.Textarea(attrs={"rows": 2}))
    photo = forms.FileField(label=_("照片（可选）"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))

    def __init__(self, *args, actor, village_code=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"household": _household_field(actor, village_code), **self.fields}
        self.fields["household"].widget.attrs["class"] = "form-select"

    def needs(self) -> list[dict]:
        text = self.cleaned_data.get("need_text", "").strip()
        if not text:
            return []
        return [{"category": self.cleaned_data.get("need_category") or Need.Category.OTHER, "text": text}]


class MeetingForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("形式"))
    occurred_at = _when()
    place = forms.CharField(label=_("地点"), max_length=200)
    topic = forms.CharField(label=_("主题"), max_length=200)
    attendance = forms.IntegerField(label=_("参加人数"), min_value=1, max_value=100_000)
    participants = forms.CharField(label=_("参加人员名单（每行一人，可选）"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    notes = forms.CharField(label=_("记录"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, actor, category, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Meeting.Kind.choices)
        self.fields["kind"].choices = [(k, labels[k]) for k in Meeting.KINDS_BY_CATEGORY[category]]
        self.fields = {"village": _village_field(actor), **self.fields}
        self.fields["village"].widget.attrs["class"] = "form-select"

    def participant_names(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("participants", "").splitlines() if line.strip()]


class CallForm(StyledFormMixin, forms.Form):
    left_behind_name = forms.CharField(label=_("留守人员"), max_length=64)
    left_behind_kind = forms.ChoiceField(label=_("留守类别"), choices=FamilyCall.Person.choices)
    relative_name = forms.CharField(label=_("在外亲人"), max_length=64)
    relative_place = forms.CharField(label=_("务工地点"), max_length=100)
    occurred_at = _when(_("通话时间"))
    minutes = forms.IntegerField(label=_("时长（分钟）"), min_value=1, max_value=600)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"village": _village_field(actor), **self.fields}
        self.fields["village"].widget.attrs["class"] = "form-select"


class DiaryForm(StyledFormMixin, forms.Form):
    occurred_at = _when(_("日期"))
    text = forms.CharField(label=_("日记"), widget=forms.Textarea(attrs={"rows": 8}), max_length=10_000)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"village": _village_field(actor), **self.fields}
        self.fields["village"].widget.attrs["class"] = "form-select"


class RequestForm(StyledFormMixin, forms.Form):
    source = forms.ChoiceField(label=_("来源"), choices=[(VillagerRequest.Source.VISIT, _("走访收集")),
                                                       (VillagerRequest.Source.MEETING, _("会议收集"))])
    text = forms.CharField(label=_("诉求内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    contact_name = forms.CharField(label=_("联系人"), max_length=64, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"village": _village_field(actor), "household": _household_field(actor, None, required=False),
                       **self.fields}
        for name in ("village", "household"):
            self.fields[name].widget.attrs["class"] = "form-select"


class NeedUpdateForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("办理状态"), choices=Need.Status.choices)
    owner = forms.ModelChoiceField(label=_("责任人"), queryset=None, required=False)
    progress = forms.CharField(label=_("办理情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, assignable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = assignable


class AssignForm(StyledFormMixin, forms.Form):
    assignee = forms.ModelChoiceField(label=_("承办人"), queryset=None)

    def __init__(self, *args, assignable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignable
        self.fields["assignee"].label_from_instance = lambda u: f"{u} · {u.get_role_display()}"


class AnswerForm(StyledFormMixin, forms.Form):
    answer = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class CloseForm(StyledFormMixin, forms.Form):
    satisfaction = forms.ChoiceField(label=_("群众满意度"), choices=VillagerRequest.Satisfaction.choices,
                                     widget=forms.RadioSelect)


class PublicRequestForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("您想反映的事情"), max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 6, "maxlength": 1000}),
                           help_text=_("最多 1000 字。"))
    contact_name = forms.CharField(label=_("您的称呼（可不填）"), max_length=32, required=False)
    contact_phone = forms.CharField(label=_("联系电话（可不填，方便回复您）"), max_length=20, required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}))


def photo_limit_mb() -> float:
    return settings.MINXIN_PHOTO_MAX_BYTES / 1_048_576
