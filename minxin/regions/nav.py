from django.utils.translation import gettext_lazy as _

from minxin.core import audit, nav

nav.register("regions", label=_("区划与驻村"), icon="bi-diagram-3", order=20, url_name="regions:detail",
             per_region=True)

audit.register_action_labels({
    "region.seed": _("初始化县乡区划"), "region.load": _("导入区划代码表"), "region.create": _("新增村"),
    "region.update": _("修改村情"),
})
# The dashboard reads no region's record: its numbers are counted from the records under each code.
audit.register_uncounted("region.seed", "region.load", "region.create", "region.update")
