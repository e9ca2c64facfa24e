from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = 'accounts'
    verbose_name = _('Accounts and roles')

    def ready(self):
        # imported once the apps are loaded (these modules import models): not a cycle
        from accounts import demo
        from accounts.roles import sync_roles_after_migrate
        from hamkor.registry import DemoLoader, register_demo_loader

        post_migrate.connect(sync_roles_after_migrate, sender=self)
        # Last, so that the password is the last thing printed.
        register_demo_loader(DemoLoader('accounts', demo.demo_lines, order=100))
