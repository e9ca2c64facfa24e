"""The navigation of the web shell, one entry per domain."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str | None  # None: the module is not available yet
    section: str
    permission: str | None = None

    @property
    def url(self) -> str | None:
        return reverse(self.url_name) if self.url_name else None


NAVIGATION = (
    NavItem(_('Dashboard'), 'dashboard', 'dashboard'),
    NavItem(_('Portfolio'), 'portfolio:dashboard', 'portfolio'),
    NavItem(_('Trade'), 'trade:dashboard', 'trade'),
    NavItem(_('Commitments'), None, 'commitments'),
    NavItem(_('Indicators'), None, 'indicators'),
    NavItem(_('Standards & Certification'), None, 'standards'),
    NavItem(_('Reports'), None, 'reports'),
    NavItem(_('Reference data'), 'core:reference_index', 'reference'),
    NavItem(_('Change log'), 'core:change_list', 'changes', 'core.view_objectchange'),
)


NAMESPACE_SECTIONS = {'portfolio': 'portfolio', 'trade': 'trade', 'core': 'reference', 'sources': 'reference'}


def current_section(request) -> str:
    match = getattr(request, 'resolver_match', None)
    if match is None:
        return ''
    if match.namespace == 'core' and match.url_name.startswith('change'):
        return 'changes'
    return NAMESPACE_SECTIONS.get(match.namespace, match.url_name or '')


def navigation(request):
    user = getattr(request, 'user', None)
    items = [
        item for item in NAVIGATION if item.permission is None or (user is not None and user.has_perm(item.permission))
    ]
    return {'navigation': items, 'section': current_section(request)}
