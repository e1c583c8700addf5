from django import forms
from django.utils.translation import gettext_lazy as _

from minxin.core.forms import StyledFormMixin
from minxin.regions.models import Region


class VillageFactsForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Region
        fields = ["name", "is_poor", "terrain", "distance_km", "households", "population"]


class VillageCreateForm(VillageFactsForm):
    code = forms.CharField(label=_("区划代码"), min_length=12, max_length=12,
                           help_text=_("12 位统计用区划代码，村委会后三位为 200–399，居委会为 001–199。"))

    class Meta(VillageFactsForm.Meta):
        fields = ["code", *VillageFactsForm.Meta.fields]
