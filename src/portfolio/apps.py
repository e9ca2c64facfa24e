from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = 'portfolio'
    verbose_name = _('Portfolio')

    def ready(self):
        # imported once the apps are loaded (these modules import models): not a cycle
        from hamkor import pagecache
        from hamkor.registry import (
            DemoLoader,
            HomeStory,
            NavItem,
            register_demo_loader,
            register_home_story,
            register_navigation,
            register_visibility_levels,
        )
        from organizations.selectors import register_detail_part
        from portfolio import demo, selectors
        from portfolio.models import Project
        from portfolio.querysets import visible_levels
        from portfolio.views.dashboard import home_story
        from sources.selectors import CitableType, register_citable

        register_navigation(NavItem(_('Portfolio'), 'portfolio:dashboard', 'portfolio', 10, namespaces=('portfolio',)))
        # The registry of organizations is served under the portfolio's URL namespace (portfolio/urls.py).
        register_navigation(
            NavItem(_('Organizations'), 'portfolio:organization_list', 'organizations', 15,
                    namespaces=('portfolio:organization',))
        )  # fmt: skip
        register_home_story(HomeStory('portfolio', home_story, order=10, topics=('portfolio',)))
        register_demo_loader(DemoLoader('portfolio', demo.demo_lines, order=10))
        register_citable(CitableType('project', _('project'), 'portfolio.Project', Project.objects.visible_to))
        register_detail_part('projects', selectors.organization_projects)
        register_visibility_levels(visible_levels)
        # What the cached dashboard (portfolio.views.dashboard) reads: the derived project columns
        # (every refresh replaces the portfolio state), the sector shares and amounts, the names of
        # sectors and financiers, and the announced figures beside the total.
        pagecache.watch(
            'portfolio',
            'portfolio.PortfolioState',
            'portfolio.Project',
            'portfolio.Transaction',
            'portfolio.ProjectSector',
            'portfolio.CooperationSector',
            'organizations.Organization',
            'sources.Claim',
            'sources.Source',
        )
