"""Writes to accounts: users and API tokens. Each checks who may do it and logs it."""

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minxin.accounts.models import ApiToken, User
from minxin.accounts.roles import MANAGE_USERS, RANK, SCOPE_LEVELS, Role
from minxin.core.audit import audit_record, changed_fields, snapshot
from minxin.core.errors import DomainError, PermissionDenied
from minxin.core.masking import kept
from minxin.core.validation import check_phone
from minxin.regions import codes
from minxin.regions.models import Region

_USER_SNAPSHOT_EXCLUDE = ("password", "last_login", "groups", "user_permissions")


def _check_can_manage(actor: User, *, role: str, scope: Region | None) -> None:
    """The actor may give `role` over `scope`: inside its own scope and no higher than its own rank."""
    if not actor.can(MANAGE_USERS):
        raise PermissionDenied()
    if scope is None or not actor.in_scope(scope.code):  # a user without a scope is the county's to manage
        raise DomainError("scope_outside", _("管辖范围 %(name)s 不在您的管辖范围内。")
                          % {"name": scope.name if scope else "—"}, field="scope")
    if RANK.get(role, 0) > actor.rank:
        raise DomainError(
            "role_too_high",
            _("您不能授予高于自身的角色“%(role)s”。") % {"role": Role(role).label},
            field="role",
        )


def _check_role_scope(*, role: str, scope: Region, sending_unit: Any) -> None:
    if role not in Role.values:
        raise DomainError("unknown_role", _("未知角色：%(role)s。") % {"role": role}, field="role")
    allowed = SCOPE_LEVELS[role]
    if scope.level not in allowed:
        levels = "、".join(str(codes.LEVEL_LABELS[level]) for level in codes.LEVELS if level in allowed)
        raise DomainError(
            "scope_level",
            _("角色“%(role)s”的管辖范围应为%(levels)s级，而 %(name)s 是%(level)s级。")
            % {"role": Role(role).label, "levels": levels, "name": scope.name, "level": scope.level_label},
            field="scope",
        )
    if role == Role.SENDING_UNIT and sending_unit is None:
        raise DomainError("sending_unit_required", _("派出单位联络员必须指定派出单位。"), field="sending_unit")


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError("weak_password", " ".join(exc.messages), field="password") from None


@transaction.atomic
def user_create(
    *, actor: User | None, username: str, role: str, scope: Region, password: str | None,
    full_name: str = "", phone: str = "", sending_unit: Any = None, validate: bool = True,
) -> User:
    """Create an account. `actor=None` is the command line (trusted, e.g. `minxin create-user`)."""
    if actor is not None:
        _check_can_manage(actor, role=role, scope=scope)
    _check_role_scope(role=role, scope=scope, sending_unit=sending_unit)
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError("duplicate_username", _("用户名 %(name)s 已被使用。") % {"name": username}, field="username")
    user = User(
        username=username, role=role, scope=scope, full_name=full_name, phone=check_phone(phone),
        sending_unit=sending_unit if role == Role.SENDING_UNIT else None,
    )
    if password:
        if validate:
            _check_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_record(
        actor=actor, action="user.create", obj=user, region_code=scope.code,
        after=snapshot(user, exclude=_USER_SNAPSHOT_EXCLUDE),
    )
    return user


@transaction.atomic
def user_update(*, actor: User, user: User, role: str, scope: Region, full_name: str, phone: str,
                sending_unit: Any = None, is_active: bool = True) -> User:
    """Change an account's role, scope, name, phone or active flag."""
    _check_can_manage(actor, role=user.role, scope=user.scope)  # may touch this user at all
    _check_can_manage(actor, role=role, scope=scope)  # may give the new role and scope
    _check_role_scope(role=role, scope=scope, sending_unit=sending_unit)
    if user.pk == actor.pk and (role != user.role or not is_active):
        raise DomainError("self_demotion", _("不能修改自己的角色或停用自己的账号。"), field="role")
    before = snapshot(user, exclude=_USER_SNAPSHOT_EXCLUDE)
    phone = phone if kept(phone, user.phone) else check_phone(phone)
    user.role, user.scope, user.full_name, user.phone, user.is_active = role, scope, full_name, phone, is_active
    user.sending_unit = sending_unit if role == Role.SENDING_UNIT else None
    user.save()
    old, new = changed_fields(before, snapshot(user, exclude=_USER_SNAPSHOT_EXCLUDE))
    # A deactivated account's tokens end with it: reactivated later (a successor, a return), a token
    # left on a lost phone must not work again.
    revoked = 0 if is_active else _revoke_all(user)
    if new or revoked:
        audit_record(actor=actor, action="user.update", obj=user, region_code=scope.code, before=old,
                     after={**new, "tokens_revoked": revoked} if revoked else new)
    return user


@transaction.atomic
def user_set_password(*, actor: User | None, user: User, password: str) -> User:
    """Set a new password (an administrator's reset, or the command line when actor is None)."""
    if actor is not None and actor.pk != user.pk:
        _check_can_manage(actor, role=user.role, scope=user.scope)
    _check_password(password, user)
    user.set_password(password)
    # A new password ends every way in the old one opened: the API tokens go with it (counted here,
    # before the save, for the audit event; the save's safety net then finds none left).
    revoked = _revoke_all(user)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="user.set_password", obj=user, region_code=user.scope_id or "",
                 after={"tokens_revoked": revoked} if revoked else None)
    return user


def _revoke_all(user: User) -> int:
    return ApiToken.objects.filter(user_id=user.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def revoke_tokens_on_new_password(sender: Any, instance: User, raw: bool = False, update_fields: Any = None, **kwargs: Any) -> None:
    """pre_save of User (connected in AccountsConfig.ready): a password set outside user_set_password
    — Django's `changepassword` command, a shell — still revokes the user's API tokens. Only a real
    set_password() counts (it leaves the new password in `_password` until the save); the rehash
    Django does on login when the hasher changes saves without it and keeps the tokens."""
    if raw or instance._state.adding or getattr(instance, "_password", None) is None:
        return
    if update_fields is not None and "password" not in update_fields:
        return
    _revoke_all(instance)


@transaction.atomic
def tokens_revoke_all(*, actor: User, user: User) -> int:
    """An administrator ends every API token of a user it manages (a lost phone, a departure)."""
    _check_can_manage(actor, role=user.role, scope=user.scope)
    revoked = _revoke_all(user)
    audit_record(actor=actor, action="token.revoke_all", obj=user, region_code=user.scope_id or "",
                 after={"tokens_revoked": revoked})
    return revoked


@transaction.atomic
def token_issue(*, actor: User | None, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a token for `user`; returns the record and the raw token (shown once, never stored)."""
    if actor is not None and actor.pk != user.pk:
        _check_can_manage(actor, role=user.role, scope=user.scope)
    raw = ApiToken.generate()
    token = ApiToken.objects.create(user=user, name=name, key_prefix=raw[:10], key_hash=ApiToken.hash(raw))
    audit_record(
        actor=actor, action="token.issue", obj=token, object_repr=f"{token.key_prefix}… {user.username}",
        region_code=user.scope_id or "",
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    if actor is not None and actor.pk != token.user_id:
        _check_can_manage(actor, role=token.user.role, scope=token.user.scope)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor, action="token.revoke", obj=token, object_repr=f"{token.key_prefix}… {token.user.username}",
            region_code=token.user.scope_id or "",
        )
    return token
