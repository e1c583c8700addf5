"""The navigation and the user's identity line, on every page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from minxin.accounts import roles
from minxin.registry import permissions as registry_permissions


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    prefixes = user.scope_prefixes()
    root = prefixes[0].ljust(12, "0") if len(prefixes) == 1 else None
    items = [
        (_("工作概览"), reverse("reports:dashboard", args=[root]) if root else reverse("home"),
         "bi-speedometer2", "dashboard"),
        (_("区划与驻村"), reverse("regions:detail", args=[root]) if root else reverse("home"), "bi-diagram-3",
         "regions"),
        (_("驻村干部"), reverse("cadres:list"), "bi-people", "cadres"),
        (_("请假"), reverse("cadres:leave-list"), "bi-calendar2-week", "leave"),
        (_("派出单位"), reverse("cadres:unit-list"), "bi-building", "units"),
    ]
    # Field work: records for everyone in scope who works with villagers; requests beside them.
    if user.can(roles.VIEW_FIELDWORK):
        items.insert(-3, (_("驻村记实"), reverse("fieldwork:visit-list"), "bi-journal-check", "fieldwork"))
        items.insert(-3, (_("群众诉求"), reverse("fieldwork:request-list"), "bi-chat-heart", "requests"))
    if registry_permissions.can_view(user):
        items.insert(2, (_("一户一表"), reverse("registry:household-list"), "bi-house-heart", "registry"))
    items.append((_("考核"), reverse("assessment:index"), "bi-clipboard-data", "assessment"))
    if user.can(roles.MANAGE_USERS):
        items.append((_("用户管理"), reverse("accounts:user-list"), "bi-person-gear", "users"))
    if user.can(roles.VIEW_AUDIT_LOG):
        items.append((_("审计日志"), reverse("audit-log"), "bi-journal-text", "audit"))
    return {"nav_items": items}
