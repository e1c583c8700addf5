from django import forms
from django.utils.translation import gettext_lazy as _

from minxin.core.forms import DateInput, ModelFieldsForm, StyledFormMixin
from minxin.disputes.models import Screening, SensitivePeriod
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
