from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

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
