from rest_framework import serializers

from core.api.views import NamesField
from core.models import Country
from organizations import services
from organizations.models import Organization


class OrganizationSerializer(serializers.ModelSerializer):
    country = serializers.SlugRelatedField(slug_field='iso3', queryset=Country.objects.all())
    names = NamesField()

    class Meta:
        model = Organization
        fields = ['id', 'names', *services.ORGANIZATION_FIELDS, 'created', 'last_updated']
        read_only_fields = ['created', 'last_updated']
        extra_kwargs = {name: {'write_only': True} for name in ('name_en', 'name_ru', 'name_zh', 'name_uz')}

    def create(self, validated_data):
        return services.create_organization(actor=self.context['request'].user, **validated_data)

    def update(self, instance, validated_data):
        return services.update_organization(organization=instance, actor=self.context['request'].user, **validated_data)
