from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = 'organizations'
    verbose_name = _('Organizations')
    # The registry's pages are under the portfolio's navigation entry and URL namespace (see
    # urls.py); it is made citable by sources (sources/apps.py), which this app may not import.
