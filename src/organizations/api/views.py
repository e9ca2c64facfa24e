from rest_framework import viewsets

from organizations import selectors, services
from organizations.api.serializers import OrganizationSerializer
from organizations.filters import OrganizationFilter


class OrganizationViewSet(viewsets.ModelViewSet):
    """Organizations: anyone may read; the secretariat creates, edits and deletes."""

    queryset = selectors.organizations()
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter

    def perform_destroy(self, instance):
        services.delete_organization(organization=instance, actor=self.request.user)
