"""The navigation of the web shell, one entry per domain, as the apps registered them."""

from hamkor.registry import NavItem, navigation_items


def current_section(request, items: list[NavItem]) -> str:
    """The entry of the page being shown: a pattern "namespace" or "namespace:url-name-prefix"
    of some entry matches it, the longest pattern first."""
    match = getattr(request, 'resolver_match', None)
    if match is None:
        return ''
    patterns = sorted(
        ((pattern, item.section) for item in items for pattern in item.namespaces), key=lambda p: -len(p[0])
    )
    for pattern, section in patterns:
        namespace, _colon, prefix = pattern.partition(':')
        if match.namespace == namespace and (match.url_name or '').startswith(prefix):
            return section
    return match.url_name or ''


def navigation(request):
    user = getattr(request, 'user', None)
    items = navigation_items()
    visible = [
        item for item in items if item.permission is None or (user is not None and user.has_perm(item.permission))
    ]
    return {'navigation': visible, 'section': current_section(request, items)}
