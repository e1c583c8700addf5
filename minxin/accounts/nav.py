from django.utils.translation import gettext_lazy as _

from minxin.accounts import roles
from minxin.core import nav

nav.register("users", label=_("用户管理"), icon="bi-person-gear", order=100, url_name="accounts:user-list",
             visible=lambda user: user.can(roles.MANAGE_USERS))
nav.register("audit", label=_("审计日志"), icon="bi-journal-text", order=110, url_name="audit-log",
             visible=lambda user: user.can(roles.VIEW_AUDIT_LOG))
