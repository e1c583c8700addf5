import json
from functools import partial

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minxin.accounts import roles, selectors, services
from minxin.accounts.forms import AuditFilterForm, PasswordResetForm, UserForm
from minxin.accounts.models import ApiToken
from minxin.core import pages, todo
from minxin.core.audit import action_label
from minxin.core.forms import StyledFormMixin
from minxin.core.masking import masked_initial, unmasked_input
from minxin.core.pages import require, run
from minxin.core.xlsx import columns_response, xlsx_response


class _PasswordChangeForm(StyledFormMixin, PasswordChangeForm):
    pass


_form_page = partial(pages.form_page, nav="users", template="accounts/form.html")


@login_required
def profile(request):
    tokens = request.user.api_tokens.all()
    return render(request, "accounts/profile.html", {"tokens": tokens, "new_token": request.session.pop("new_token", None)})


@login_required
def todo_list(request):
    """我的待办: what waits for the user in every module, overdue and soonest first."""
    items, counts = todo.inbox_and_counts(request.user)
    labels = {key: str(source.label) for key, source in todo.SOURCES.items()}
    return render(request, "accounts/todo.html", {
        "items": items, "kinds": [(key, labels[key], n) for key, n in counts.items()],
        "shown": len(items), "total": sum(counts.values()), "nav_active": "todo"})


@login_required
def todo_panel(request):
    """The landing page's panel of the most urgent items (fetched by the page after it loads)."""
    items, total = todo.panel(request.user)
    return render(request, "includes/todo_panel.html", {"items": items, "total": total})


@login_required
def todo_count(request):
    """The menu's count (fetched by the menu after the page loads, so no page pays for the inbox)."""
    return render(request, "accounts/_todo_count.html", {"count": todo.total(request.user)})


@login_required
def password_change(request):
    form = _PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.user_set_password(actor=request.user, user=request.user,
                                          password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        messages.success(request, _("密码已修改。"))
        return redirect("accounts:profile")
    return _form_page(request, form, _("修改密码"), back="accounts:profile", nav="profile")


@login_required
@require_POST
def token_new(request):
    _token, raw = services.token_issue(actor=request.user, user=request.user,
                                       name=request.POST.get("name", "")[:64])
    # Shown once on the next page, then gone: only the hash is stored.
    request.session["new_token"] = raw
    return redirect("accounts:profile")


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("令牌已吊销。"))
    return redirect("accounts:profile")


@login_required
def user_list(request):
    require(request.user, roles.MANAGE_USERS)
    users = selectors.user_list(user=request.user)
    q = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    if q:
        users = users.filter(username__icontains=q) | users.filter(full_name__icontains=q)
    if role in roles.Role.values:
        users = users.filter(role=role)
    return pages.list_page(request, users, "accounts/user_list.html", nav="users", export=_users_xlsx,
                           q=q, role=role, roles=roles.Role.choices)


def _users_xlsx(users):
    return xlsx_response(
        filename="用户.xlsx", sheet=_("用户"),
        headers=[_("用户名"), _("姓名"), _("角色"), _("管辖范围"), _("派出单位"), _("启用"), _("最近登录")],
        rows=([u.username, u.full_name, u.get_role_display(), u.scope.name if u.scope else "",
               u.sending_unit.name if u.sending_unit else "", u.is_active, u.last_login] for u in users))


@login_required
def user_new(request):
    require(request.user, roles.MANAGE_USERS)
    form = UserForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        user = run(form, lambda: services.user_create(actor=request.user, **form.cleaned_data))
        if user:
            messages.success(request, _("已创建用户 %(name)s。") % {"name": user.username})
            return redirect("accounts:user-list")
    return _form_page(request, form, _("新增用户"), back="accounts:user-list")


@login_required
def user_edit(request, pk):
    target = selectors.user_get(user=request.user, pk=pk)  # 404 before 403
    require(request.user, roles.MANAGE_USERS)
    initial = {"username": target.username, "full_name": target.full_name, **masked_initial(target, "phone"),
               "role": target.role, "scope": target.scope, "sending_unit": target.sending_unit,
               "is_active": target.is_active}
    form = UserForm(request.POST or None, actor=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "username"}
        data["phone"] = unmasked_input(data["phone"], target, "phone")
        if run(form, lambda: services.user_update(actor=request.user, user=target, **data)):
            messages.success(request, _("已保存用户 %(name)s。") % {"name": target.username})
            return redirect("accounts:user-list")
    return _form_page(request, form, _("编辑用户 %(name)s") % {"name": target.username}, back="accounts:user-list",
                      target=target, active_tokens=target.api_tokens.filter(revoked_at__isnull=True))


@login_required
@require_POST
def user_tokens_revoke(request, pk):
    target = selectors.user_get(user=request.user, pk=pk)  # 404 before 403
    require(request.user, roles.MANAGE_USERS)
    count = services.tokens_revoke_all(actor=request.user, user=target)
    messages.success(request, _("已吊销 %(name)s 的 %(n)d 个 API 令牌。") % {"name": target.username, "n": count})
    return redirect("accounts:user-edit", pk=target.pk)


@login_required
def user_password(request, pk):
    target = selectors.user_get(user=request.user, pk=pk)  # 404 before 403
    require(request.user, roles.MANAGE_USERS)
    if target.pk == request.user.pk:  # one's own password is changed with the old one (a stolen session can't)
        messages.info(request, _("修改自己的密码需要输入原密码。"))
        return redirect("accounts:password-change")
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and run(form, lambda: services.user_set_password(
            actor=request.user, user=target, password=form.cleaned_data["password"])):
            messages.success(request, _("已重置 %(name)s 的密码。") % {"name": target.username})
            return redirect("accounts:user-list")
    return _form_page(request, form, _("重置 %(name)s 的密码") % {"name": target.username}, back="accounts:user-list")


@login_required
def audit_log(request):
    require(request.user, roles.VIEW_AUDIT_LOG)
    form = AuditFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_event_list(user=request.user, **{k: v for k, v in filters.items() if v})
    return pages.list_page(request, events, "core/audit_log.html", nav="audit", export=_audit_xlsx, form=form)


def _audit_xlsx(events):
    return columns_response(filename="审计日志.xlsx", sheet=str(_("审计日志")), objects=events.iterator(2000), columns=[
        (_("时间"), lambda e: timezone.localtime(e.created_at)), (_("操作人"), lambda e: e.actor_name),
        (_("动作"), lambda e: action_label(e.action)), (_("动作代码"), lambda e: e.action), (_("对象"), lambda e: e.object_repr), (_("区划"), lambda e: e.region_code),
        (_("变更前"), lambda e: json.dumps(e.before, ensure_ascii=False) if e.before else ""),
        (_("变更后"), lambda e: json.dumps(e.after, ensure_ascii=False) if e.after else ""),
        (_("请求编号"), lambda e: e.request_id),
    ])
