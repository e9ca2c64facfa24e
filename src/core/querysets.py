import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models

from hamkor.models import translated_search
from hamkor.registry import visibility_levels


class CountryQuerySet(models.QuerySet):
    def search(self, text: str):
        """Countries whose code, or name in any of the four languages, matches every word."""
        return translated_search(
            self,
            text,
            extra=lambda word: models.Q(iso2__iexact=word) | models.Q(iso3__iexact=word) | models.Q(m49=word),
        )


class HSCodeQuerySet(models.QuerySet):
    def search(self, text: str):
        """Codes starting with the digits typed, or whose description holds every word typed."""
        text = text.strip()
        compact = text.replace('.', '').replace(' ', '')
        if compact.isdigit():
            return self.filter(code__startswith=compact)
        query = self
        for word in text.split():
            query = query.filter(description__icontains=word)
        return query


class ExchangeRateQuerySet(models.QuerySet):
    def covering(self, currency: str, on: datetime.date):
        return self.filter(currency_id=currency, period_start__lte=on, period_end__gte=on)


class ObjectChangeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The changes of records `user` may see (ChangeLoggedMixin.change_log_visibility)."""
        return self.filter(models.Q(visibility='') | models.Q(visibility__in=visibility_levels(user)))

    def for_record(self, record):
        return self.filter(
            content_type=ContentType.objects.get_for_model(type(record)), object_id=str(record.pk)
        ).select_related('actor')
