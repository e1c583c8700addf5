import datetime

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from minxin.accounts.roles import RANK, Role
from minxin.accounts.scoping import sending_unit_model
from minxin.core import audit
from minxin.core.forms import DateInput, StyledFormMixin
from minxin.regions.models import Region


class LoginForm(StyledFormMixin, AuthenticationForm):
    pass


class UserForm(StyledFormMixin, forms.Form):
    """Create or edit a user; the choices offered are already narrowed to what the actor may give."""

    username = forms.RegexField(label=_("用户名"), max_length=150, regex=r"^[\w.@+-]+$",
                                help_text=_("字母、数字或 @ . + - _，用于登录。"))
    full_name = forms.CharField(label=_("姓名"), max_length=64)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    role = forms.ChoiceField(label=_("角色"))
    scope = forms.ModelChoiceField(label=_("管辖范围"), queryset=Region.objects.none())
    sending_unit = forms.ModelChoiceField(label=_("派出单位"), queryset=None, required=False,
                                          help_text=_("仅派出单位联络员需要填写。"))
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, required=False,
                               help_text=_("至少 10 位，不能过于简单；留空则账号暂不能登录。"))
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, actor, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(r.value, r.label) for r in Role if RANK[r] <= actor.rank]
        self.fields["scope"].queryset = Region.objects.visible_to(actor).order_by("code")
        self.fields["scope"].label_from_instance = lambda r: f"{r.code} {r.name}（{r.level_label}）"
        self.fields["sending_unit"].queryset = sending_unit_model().objects.visible_to(actor)
        if editing:
            self.fields["username"].disabled = True
            del self.fields["password"]
        else:
            del self.fields["is_active"]


class PasswordResetForm(StyledFormMixin, forms.Form):
    password = forms.CharField(label=_("新密码"), widget=forms.PasswordInput)


# The days an audit search may name: the platform's records start well after 2000, and a day like
# 9999-12-31 would overflow the next day's midnight the range ends at.
FIRST_DAY, LAST_DAY = datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)


class AuditFilterForm(StyledFormMixin, forms.Form):
    """The audit log's filters, in the words an auditor uses."""

    action = forms.ChoiceField(label=_("动作"), required=False)
    actor = forms.CharField(label=_("操作人"), required=False, max_length=64)
    subject = forms.CharField(label=_("对象"), required=False, max_length=64,
                              help_text=_("户主、家庭成员、驻村干部的姓名或户编号等"))
    since = forms.DateField(label=_("起始日期"), required=False, widget=DateInput())
    until = forms.DateField(label=_("截止日期"), required=False, widget=DateInput())
    request_id = forms.CharField(label=_("请求编号"), required=False, max_length=64,
                                 help_text=_("服务器日志中的 request_id，同一请求写入的全部事件"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("全部动作")), *audit.action_choices()]

    def clean(self):
        data = super().clean()
        for name in ("since", "until"):
            if data.get(name) and not FIRST_DAY <= data[name] <= LAST_DAY:
                self.add_error(name, _("日期应在 %(a)s 至 %(b)s 之间。") % {"a": FIRST_DAY, "b": LAST_DAY})  # drops it
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        return data
