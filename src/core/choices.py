"""Choices shared by every app, defined once."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Side(models.TextChoices):
    """Which side of the cooperation a user or record belongs to."""

    UZBEKISTAN = 'UZ', _('Uzbekistan')
    CHINA = 'CN', _('China')
    JOINT = 'JOINT', _('Joint')
