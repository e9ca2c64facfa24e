from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = 'core'
    verbose_name = _('Reference data and change log')

    def ready(self):
        # imported once the apps are loaded (these modules import models): not a cycle
        from core import changelog
        from hamkor import pagecache
        from hamkor.registry import NavItem, register_navigation

        changelog.connect_signals()
        # What the cached reference page (core.views.reference_index) reads. A reference load saves each
        # dataset's row (its row count) after writing its rows, so a load bumps the topic.
        pagecache.watch(
            'reference',
            'core.ReferenceDataset',
            'core.Country',
            'core.Currency',
            'core.Codelist',
            'core.CodelistItem',
            'core.HSCode',
            'core.ExchangeRate',
        )
        register_navigation(NavItem(_('Dashboard'), 'dashboard', 'dashboard', order=0))
        register_navigation(NavItem(_('Reference data'), 'core:reference_index', 'reference', 80, namespaces=('core',)))
        register_navigation(
            NavItem(
                _('Change log'),
                'core:change_list',
                'changes',
                90,
                permission='core.view_objectchange',
                namespaces=('core:change',),
            )
        )
