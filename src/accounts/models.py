from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.tokens import replace_token
from core.choices import Side
from hamkor.models import ChangeLoggedMixin

__all__ = ['Side', 'User']  # Side is defined in core.choices; importing it from here still works


class User(ChangeLoggedMixin, AbstractUser):
    """A person who signs in. Roles are Django groups (see accounts.roles)."""

    side = models.CharField(_('side'), max_length=5, choices=Side.choices, default=Side.JOINT)
    organization = models.ForeignKey(
        'organizations.Organization',
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name='members',
        verbose_name=_('organization'),
    )

    change_log_exclude = ('last_login',)
    change_log_redact = ('password',)

    class Meta:
        ordering = ['username']
        verbose_name = _('user')
        verbose_name_plural = _('users')

    @property
    def role_names(self) -> list[str]:
        return sorted(group.name for group in self.groups.all())

    # A new password replaces the user's API token, whichever path set it (the profile's
    # password form, the admin, accounts.services.set_password, `changepassword`): every path
    # calls set_password (or set_unusable_password) and then save.
    _password_replaced = False

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self._password_replaced = True

    def set_unusable_password(self):
        super().set_unusable_password()
        self._password_replaced = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get('update_fields')
        replaced = self._password_replaced and (update_fields is None or 'password' in update_fields)
        super().save(*args, **kwargs)
        if replaced:
            self._password_replaced = False
            replace_token(self)
