from django.utils.translation import gettext_lazy as _

from minxin.accounts import roles
from minxin.core import audit, nav

nav.register("todo", label=_("我的待办"), icon="bi-inbox", order=5, url_name="accounts:todo")
nav.register("users", label=_("用户管理"), icon="bi-person-gear", order=100, url_name="accounts:user-list",
             visible=lambda user: user.can(roles.MANAGE_USERS))
nav.register("audit", label=_("审计日志"), icon="bi-journal-text", order=110, url_name="audit-log",
             visible=lambda user: user.can(roles.VIEW_AUDIT_LOG))

audit.register_action_labels({
    "user.create": _("新增用户"), "user.update": _("修改用户"), "user.set_password": _("设置密码"),
    "token.issue": _("签发 API 令牌"), "token.revoke": _("吊销 API 令牌"), "token.revoke_all": _("吊销用户全部 API 令牌"),
})
audit.register_uncounted("user.create", "user.update", "user.set_password", "token.issue", "token.revoke",
                         "token.revoke_all")
