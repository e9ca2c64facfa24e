from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourcesConfig(AppConfig):
    name = 'sources'
    verbose_name = _('Sources and claims')

    def ready(self):
        from hamkor.registry import register_navigation_namespace

        register_navigation_namespace('reference', 'sources')
