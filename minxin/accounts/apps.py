from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "minxin.accounts"
    verbose_name = _("账号与权限")

    def ready(self):
        from django.db.models.signals import pre_save

        from minxin.accounts.services import revoke_tokens_on_new_password

        pre_save.connect(revoke_tokens_on_new_password, sender="accounts.User",
                         dispatch_uid="minxin.accounts.revoke_tokens_on_new_password")
