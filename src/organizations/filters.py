import django_filters

from organizations.models import Organization


class OrganizationFilter(django_filters.FilterSet):
    """One filter set for the organization list page and the API."""

    country = django_filters.CharFilter(field_name='country__iso3', lookup_expr='iexact')
    q = django_filters.CharFilter(method='search', label='name in any language')

    class Meta:
        model = Organization
        fields = ['kind', 'status', 'country', 'q']

    def search(self, queryset, name, value):
        return queryset.search(value)
