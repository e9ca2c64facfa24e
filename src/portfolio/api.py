from decimal import Decimal

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import NamesField
from core.models import Country
from portfolio import selectors, services
from portfolio.choices import ProjectStatus
from portfolio.filters import OrganizationFilter, ProjectFilter
from portfolio.models import CooperationSector, Organization, Project, ProjectSector


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


class OrganizationViewSet(viewsets.ModelViewSet):
    """Organizations: anyone may read; the secretariat creates, edits and deletes."""

    queryset = Organization.objects.select_related('country')
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter

    def perform_destroy(self, instance):
        services.delete_organization(organization=instance)


#
# Projects and aggregates
#


class ProjectSectorSerializer(serializers.Serializer):
    sector = serializers.SlugRelatedField(slug_field='code', queryset=CooperationSector.objects.all())
    percentage = serializers.DecimalField(max_digits=5, decimal_places=2)
    value_usd = serializers.DecimalField(max_digits=20, decimal_places=2, read_only=True)


class ProjectSerializer(serializers.ModelSerializer):
    """A project with its derived value; `sectors` is written as a list of {sector, percentage}."""

    titles = NamesField('title')
    sectors = ProjectSectorSerializer(many=True, required=False)
    parent = serializers.SlugRelatedField(
        slug_field='identifier', queryset=Project.objects.all(), required=False, allow_null=True
    )
    status = serializers.ChoiceField(choices=ProjectStatus.choices, required=False)
    data_status = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            'id', 'titles', 'data_status', 'status', 'stage', 'in_aggregates', 'value_usd', 'value_basis',
            'value_year', 'unconverted_count', 'sectors', *services.PROJECT_FIELDS,
        ]  # fmt: skip
        read_only_fields = ['stage', 'in_aggregates', 'value_usd', 'value_basis', 'value_year', 'unconverted_count']
        extra_kwargs = {f'title_{language}': {'write_only': True} for language in ('en', 'ru', 'zh', 'uz')}

    def get_data_status(self, project) -> str:
        """ "illustrative" for records entered for demonstration, otherwise "recorded"."""
        return 'illustrative' if project.is_illustrative else 'recorded'

    def validate(self, attrs):
        if self.instance is not None and 'status' in attrs and attrs['status'] != self.instance.status:
            raise serializers.ValidationError({'status': 'Change the status with POST …/status/ (with a reason).'})
        return attrs

    def _sectors(self, validated):
        shares = validated.pop('sectors', None)
        return None if shares is None else [(share['sector'], share['percentage']) for share in shares]

    def create(self, validated_data):
        sectors = self._sectors(validated_data) or []
        return services.create_project(sectors=sectors, **validated_data)

    def update(self, instance, validated_data):
        validated_data.pop('status', None)
        return services.update_project(project=instance, sectors=self._sectors(validated_data), **validated_data)


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ProjectStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default='')


class ProjectViewSet(viewsets.ModelViewSet):
    """Projects the caller may see. The secretariat creates and edits; status changes are an action."""

    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    queryset = Project.objects.none()

    def get_queryset(self):
        return (
            Project.objects.visible_to(self.request.user)
            .select_related('parent')
            .prefetch_related(Prefetch('sectors', ProjectSector.objects.select_related('sector')))
        )

    def perform_destroy(self, instance):
        services.delete_project(project=instance)

    @extend_schema(request=StatusChangeSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=['post'])
    def status(self, request, pk=None):
        project = self.get_object()
        body = StatusChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        project = services.change_status(project=project, **body.validated_data)
        return Response(ProjectSerializer(project, context=self.get_serializer_context()).data)


class GroupSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    projects = serializers.IntegerField()
    value_usd = serializers.DecimalField(max_digits=20, decimal_places=2)


class ClaimSerializer(serializers.Serializer):
    metric = serializers.CharField()
    comparator = serializers.CharField()
    value_usd = serializers.DecimalField(max_digits=20, decimal_places=2)
    period = serializers.CharField()
    quote = serializers.CharField()
    source = serializers.CharField(source='source.title')
    publisher = serializers.CharField(source='source.publisher')


class SummarySerializer(serializers.Serializer):
    total_usd = serializers.DecimalField(max_digits=20, decimal_places=2)
    illustrative_usd = serializers.DecimalField(max_digits=20, decimal_places=2)
    projects_visible = serializers.IntegerField()
    projects_counted = serializers.IntegerField()
    projects_with_value = serializers.IntegerField()
    projects_without_amount = serializers.IntegerField()
    unconverted_amounts = serializers.IntegerField()
    excluded = serializers.DictField(child=serializers.IntegerField())
    by_stage = GroupSerializer(many=True)
    announced = ClaimSerializer(many=True, source='claims')
    coverage = serializers.SerializerMethodField()

    def get_coverage(self, summary) -> list[str]:
        return [str(ratio.quantize(Decimal('0.0001'))) for _, ratio in summary.coverage]


class PortfolioSummaryView(APIView):
    """The headline: the registered total by stage beside the announced figures, and what is missing."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=SummarySerializer)
    def get(self, request):
        summary = selectors.summary(request.user)
        summary.illustrative_usd = selectors.illustrative_total(request.user)
        return Response(SummarySerializer(summary).data)


class BreakdownView(APIView):
    """The registered total split by a dimension; the groups add up to the total."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter('dimension', str, OpenApiParameter.PATH, enum=list(selectors.DIMENSIONS))],
        responses=GroupSerializer(many=True),
    )
    def get(self, request, dimension):
        if dimension not in selectors.DIMENSIONS:
            raise NotFound(f'unknown dimension {dimension!r}; use one of {", ".join(selectors.DIMENSIONS)}')
        return Response(GroupSerializer(selectors.breakdown(request.user, dimension), many=True).data)


class ContributionSerializer(serializers.Serializer):
    identifier = serializers.CharField(source='project.identifier')
    title = serializers.CharField(source='project.title')
    data_status = serializers.SerializerMethodField()
    value_usd = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)

    def get_data_status(self, item) -> str:
        return 'illustrative' if item.project.is_illustrative else 'recorded'


class DrillDownView(APIView):
    """The projects that make one group, with their contributions (they add up to the group).

    The group without a sector, region, financier or year is addressed by the key "-".
    """

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=ContributionSerializer(many=True), operation_id='portfolio_drill_down')
    def get(self, request, dimension, key):
        key = selectors.key_from_url(key)
        if selectors.find_group(request.user, dimension, key) is None:
            raise NotFound(f'no group {key!r} in the breakdown by {dimension!r}')
        contributions = selectors.drill_down(request.user, dimension, key)
        return Response(ContributionSerializer(contributions, many=True).data)


class ProjectExportView(APIView):
    """Every project the caller may see that matches the filters, as CSV, streamed without a row limit."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[OpenApiParameter('q', str)], responses={(200, 'text/csv'): OpenApiTypes.STR})
    def get(self, request):
        from portfolio.exports import project_export

        return project_export(request._request, 'csv')
