from django.db import models
from django.db.models import Case, F, Value, When

from core.choices import Side
from hamkor.models import translated_search
from portfolio.choices import Counting, Visibility

PARTNER_PERMISSION = 'portfolio.view_partner_project'
RESTRICTED_PERMISSION = 'portfolio.view_restricted_project'


def visible_levels(user) -> list[str]:
    """The visibility levels of projects a user may see (docs/portfolio-aggregation.md, "Who sees what").

    Anonymous visitors and users without a cooperation role see public projects; partners (the
    secretariat and the analysts) also see partner projects and those of their own side (the
    joint side counts as both); the secretariat sees restricted ones.
    """
    if user is None or not user.is_authenticated:
        return [Visibility.PUBLIC]
    if user.is_superuser:
        return list(Visibility.values)
    levels = [Visibility.PUBLIC]
    if user.has_perm(PARTNER_PERMISSION):
        levels.append(Visibility.PARTNERS)
        if user.side in (Side.UZBEKISTAN, Side.JOINT):
            levels.append(Visibility.UZBEKISTAN)
        if user.side in (Side.CHINA, Side.JOINT):
            levels.append(Visibility.CHINA)
    if user.has_perm(RESTRICTED_PERMISSION):
        levels.append(Visibility.RESTRICTED)
    return levels


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only the projects `user` may see. Every list, count, total, chart and export starts here."""
        levels = visible_levels(user)
        if len(levels) == 5:
            return self
        return self.filter(visibility__in=levels)

    def with_visible_parent(self, user):
        """Each project with `visible_parent`: its parent's identifier where `user` may see the
        parent, else empty (a visible part of a hidden whole names no whole)."""
        return self.annotate(
            visible_parent=Case(
                When(parent__visibility__in=visible_levels(user), then=F('parent__identifier')), default=Value('')
            )
        )

    def search(self, text: str):
        """Projects whose identifier matches or whose title (any language) contains every word."""
        return translated_search(self, text, field='title', extra=lambda word: models.Q(identifier__icontains=word))

    def counted(self):
        """Projects that make the registered total (committed, in implementation or completed; not
        an umbrella whose parts are recorded): Counting.HEADLINE."""
        return self.filter(counting=Counting.HEADLINE)
