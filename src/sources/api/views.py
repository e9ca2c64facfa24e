"""Read-only API of sources and announced figures.

Sources and their figures are public (they are published documents); a source's citations are
listed, and counted, only for records the caller may see.
"""

import django_filters
from rest_framework import permissions, serializers, viewsets

from sources import selectors
from sources.models import TRANSLATED_SOURCE_FIELDS, Citation, Claim, Source


class PublishedClaimSerializer(serializers.ModelSerializer):
    source = serializers.SlugRelatedField(slug_field='key', read_only=True)

    class Meta:
        model = Claim
        fields = ['id', 'source', 'metric', 'comparator', 'value_usd', 'period', 'quote', 'confidence']


class SourceClaimSerializer(serializers.ModelSerializer):
    class Meta:
        model = Claim
        fields = ['id', 'metric', 'comparator', 'value_usd', 'period', 'quote', 'confidence']


class CitedRecordSerializer(serializers.ModelSerializer):
    record_type = serializers.CharField(source='kind')
    record_id = serializers.IntegerField(source='object_id')
    record = serializers.CharField(help_text='The cited record as it is displayed.')

    class Meta:
        model = Citation
        fields = ['record_type', 'record_id', 'record', 'locator', 'confidence']


class SourceSerializer(serializers.ModelSerializer):
    claim_count = serializers.IntegerField(read_only=True)
    citation_count = serializers.IntegerField(read_only=True, help_text='Citations of records the caller may see.')

    class Meta:
        model = Source
        fields = [
            'key', 'language', 'title', 'kind', 'publisher', 'published_on', 'date_text', 'url', 'accessed_on',
            *TRANSLATED_SOURCE_FIELDS, 'claim_count', 'citation_count',
        ]  # fmt: skip


class SourceDetailSerializer(SourceSerializer):
    claims = SourceClaimSerializer(many=True, read_only=True)
    citations = serializers.SerializerMethodField()

    class Meta(SourceSerializer.Meta):
        fields = [*SourceSerializer.Meta.fields, 'text', 'claims', 'citations']

    def get_citations(self, source) -> CitedRecordSerializer(many=True):
        user = self.context['request'].user
        citations = selectors.citations_with_records(selectors.visible_citations(user).filter(source=source))
        return CitedRecordSerializer(citations, many=True).data


class SourceViewSet(viewsets.ReadOnlyModelViewSet):
    """Sources with their announced figures; citations only of records the caller may see."""

    permission_classes = [permissions.AllowAny]
    queryset = Source.objects.none()
    lookup_field = 'key'
    filterset_fields = ['kind']

    def get_queryset(self):
        if getattr(self, 'swagger_fake_view', False):  # schema generation has no user to count for
            return Source.objects.none()
        return selectors.sources_with_counts(self.request.user).order_by('title', 'pk')

    def get_serializer_class(self):
        return SourceDetailSerializer if self.action == 'retrieve' else SourceSerializer


class ClaimFilter(django_filters.FilterSet):
    source = django_filters.CharFilter(field_name='source__key')

    class Meta:
        model = Claim
        fields = ['source', 'metric']


class ClaimViewSet(viewsets.ReadOnlyModelViewSet):
    """Figures announced by sources (e.g. the portfolio "exceeds $60 billion"), never added to registered totals."""

    permission_classes = [permissions.AllowAny]
    queryset = Claim.objects.select_related('source').order_by('metric', 'source__title', 'pk')
    serializer_class = PublishedClaimSerializer
    filterset_class = ClaimFilter
