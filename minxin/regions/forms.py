from django import forms
from django.utils.translation import gettext_lazy as _

from minxin.core.forms import ModelFieldsForm, StyledFormMixin
from minxin.regions.models import Region


class VillageFactsForm(StyledFormMixin, ModelFieldsForm):
    class Meta:
        model = Region
        fields = ["name", "is_poor", "terrain", "distance_km", "households", "population"]


class VillageCreateForm(VillageFactsForm):
    code = forms.CharField(label=_("区划代码"), min_length=12, max_length=12,
                           help_text=_("12 位统计用区划代码，村委会后三位为 200–399，居委会为 001–199。"))

    class Meta(VillageFactsForm.Meta):
        fields = ["code", *VillageFactsForm.Meta.fields]

    def __init__(self, *args, township, **kwargs):
        super().__init__(*args, initial={"code": township.prefix}, **kwargs)
        self.township = township

    def clean_code(self):
        code = self.cleaned_data["code"]
        if not code.startswith(self.township.prefix):
            raise forms.ValidationError(_("区划代码应以本乡镇代码 %(p)s 开头。") % {"p": self.township.prefix})
        return code
