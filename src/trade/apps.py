from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TradeConfig(AppConfig):
    name = 'trade'
    verbose_name = _('Trade')

    def ready(self):
        # imported once the apps are loaded (trade.demo imports models): not a cycle
        from hamkor import pagecache
        from hamkor.registry import (
            BackupPart,
            DemoLoader,
            HomeStory,
            NavItem,
            register_backup_part,
            register_demo_loader,
            register_home_story,
            register_navigation,
        )
        from trade import demo, selectors
        from trade.store import integrity
        from trade.views.dashboard import DASHBOARD_TOPICS, home_story, warm_pages

        register_navigation(NavItem(_('Trade'), 'trade:dashboard', 'trade', 20, namespaces=('trade',)))
        # The statistics loaded, how and by whom: imports, their approvals and the column mappings.
        register_navigation(
            NavItem(_('Trade data'), 'trade:run_list', 'trade-data', 25,
                    namespaces=('trade:run', 'trade:import', 'trade:approv', 'trade:mapping'))
        )  # fmt: skip
        register_home_story(
            HomeStory('trade', home_story, order=20, topics=DASHBOARD_TOPICS, version=selectors.store_version)
        )
        # After the portfolio: the trade targets cite the report's claims, which the portfolio demo creates.
        register_demo_loader(DemoLoader('trade', demo.demo_lines, order=20))
        # A backup copies exactly the files of the slices its database snapshot names.
        # What the cached dashboard (trade.views.dashboard) reads besides the store, whose own
        # version (its current slices) the page passes in: the targets and what they cite.
        pagecache.watch('trade', 'trade.Target', 'trade.TradeSlice', 'sources.Claim', 'sources.Source')
        pagecache.register_warmer('trade', warm_pages)
        register_backup_part(
            BackupPart('trade', integrity.backup_files, integrity.check_backup, hold=integrity.backup_hold)
        )
