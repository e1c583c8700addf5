from django.apps import AppConfig, apps
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "minxin.assessment"
    verbose_name = _("承诺评诺与考核")

    def ready(self):
        # Indicators over this app's own records, the manual catalogue, and those over records of
        # modules that do not declare their own (kept here so their owners' folders stay theirs).
        from minxin.assessment.indicators import catalogue, pledges, supervision  # noqa: F401

        if apps.is_installed("minxin.fieldwork"):
            from minxin.assessment.indicators import fieldwork  # noqa: F401
        if apps.is_installed("minxin.registry"):
            from minxin.assessment.indicators import records  # noqa: F401
        if apps.is_installed("minxin.disputes"):
            from minxin.assessment.indicators import disputes  # noqa: F401
        if apps.is_installed("minxin.rooms"):
            from minxin.assessment.indicators import rooms  # noqa: F401
        if apps.is_installed("minxin.fund"):
            from minxin.assessment.indicators import fund  # noqa: F401
        if apps.is_installed("minxin.party"):
            from minxin.assessment.indicators import party  # noqa: F401
        # Any app may declare more in its own `indicators.py` (funds, disputes, party …).
        autodiscover_modules("indicators")
