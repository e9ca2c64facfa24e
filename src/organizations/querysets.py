from django.db import models

from hamkor.models import translated_search
from organizations.names import normalize_name


class OrganizationQuerySet(models.QuerySet):
    def search(self, text: str):
        """Organizations whose name in any of the four languages, or an alias, contains every word."""
        aliases = self.model._meta.get_field('aliases').related_model.objects.filter(organization=models.OuterRef('pk'))
        return translated_search(
            self, text, extra=lambda word: models.Exists(aliases.filter(normalized__contains=normalize_name(word)))
        )
