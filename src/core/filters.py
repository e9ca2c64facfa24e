"""Query-string filters of reference data and the change log, shared by pages and API."""

import django_filters

from core.models import CodelistItem, Country, ExchangeRate, HSCode, ObjectChange


class CountryFilter(django_filters.FilterSet):
    iso2 = django_filters.CharFilter(lookup_expr='iexact')
    iso3 = django_filters.CharFilter(lookup_expr='iexact')
    q = django_filters.CharFilter(method='search', label='code or name in any language')

    class Meta:
        model = Country
        fields = ['iso2', 'iso3', 'm49', 'region', 'q']

    def search(self, queryset, name, value):
        return queryset.search(value)


class HSCodeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method='search', label='code prefix or words of the description')
    parent = django_filters.CharFilter(field_name='parent__code')
    section = django_filters.CharFilter(field_name='section__code')

    class Meta:
        model = HSCode
        fields = ['level', 'parent', 'section', 'q']

    def search(self, queryset, name, value):
        return queryset.search(value)


class CodelistItemFilter(django_filters.FilterSet):
    codelist = django_filters.CharFilter(field_name='codelist__name')

    class Meta:
        model = CodelistItem
        fields = ['codelist', 'code', 'category']


class ExchangeRateFilter(django_filters.FilterSet):
    currency = django_filters.CharFilter(method='filter_currency', label='ISO 4217 code')
    start = django_filters.DateFilter(field_name='period_start', lookup_expr='gte')
    end = django_filters.DateFilter(field_name='period_end', lookup_expr='lte')

    class Meta:
        model = ExchangeRate
        fields = ['currency', 'frequency', 'start', 'end']

    def filter_currency(self, queryset, name, value):
        return queryset.filter(currency_id=value.upper())


class ChangeFilter(django_filters.FilterSet):
    record_type = django_filters.CharFilter(field_name='content_type__model')
    since = django_filters.IsoDateTimeFilter(field_name='time', lookup_expr='gte')

    class Meta:
        model = ObjectChange
        fields = ['record_type', 'object_id', 'action', 'channel', 'actor_name', 'request_id', 'since']
