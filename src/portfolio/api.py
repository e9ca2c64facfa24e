import django_filters
from rest_framework import serializers, viewsets

from core.api import NamesField
from core.models import Country
from portfolio import services
from portfolio.models import Organization


class OrganizationSerializer(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field='iso3', queryset=Country.objects.all())
    names = NamesField()

    class Meta:
        model = Organization
        fields = ['id', 'names', *services.ORGANIZATION_FIELDS, 'created', 'last_updated']
        read_only_fields = ['created', 'last_updated']
        extra_kwargs = {name: {'write_only': True} for name in ('name_en', 'name_ru', 'name_zh', 'name_uz')}

    def create(self, validated_data):
        return services.create_organization(**validated_data)

    def update(self, instance, validated_data):
        return services.update_organization(organization=instance, **validated_data)


class OrganizationFilter(django_filters.FilterSet):
    country = django_filters.CharFilter(field_name='country__iso3', lookup_expr='iexact')
    q = django_filters.CharFilter(method='search', label='name in any language')

    class Meta:
        model = Organization
        fields = ['kind', 'status', 'country', 'q']

    def search(self, queryset, name, value):
        return queryset.search(value)


class OrganizationViewSet(viewsets.ModelViewSet):
    """Organizations: anyone may read; the secretariat creates, edits and deletes."""

    queryset = Organization.objects.select_related('country')
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter

    def perform_destroy(self, instance):
        services.delete_organization(organization=instance)
