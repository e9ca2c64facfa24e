from decimal import Decimal

from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_serializer
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.views import NamesField
from core.models import Country, Currency
from hamkor.permissions import action_permission
from portfolio import downloads, selectors, services
from portfolio.choices import ProjectStatus
from portfolio.filters import ProjectFilter
from portfolio.models import (
    Budget,
    CooperationSector,
    DocumentLink,
    Participant,
    PlannedDisbursement,
    Project,
    ProjectCountry,
    Transaction,
)
from sources.models import Source

#
# Projects and aggregates
#


class ProjectSectorSerializer(serializers.Serializer):
    sector = serializers.SlugRelatedField(slug_field='code', queryset=CooperationSector.objects.all())
    percentage = serializers.DecimalField(max_digits=5, decimal_places=2)
    value_usd = serializers.DecimalField(max_digits=20, decimal_places=2, read_only=True)


class VisibleParentField(serializers.SlugRelatedField):
    """The parent's identifier where the caller may see the parent (else null); written, only a
    project the caller may see is accepted, and any other is "does not exist", hidden or not."""

    def __init__(self, **kwargs):
        super().__init__(slug_field='identifier', **kwargs)

    def _user(self):
        request = self.context.get('request')
        return request.user if request else None

    def get_queryset(self):
        return Project.objects.visible_to(self._user())

    def get_attribute(self, instance):
        return instance.parent_for(self._user())


class ProjectSerializer(serializers.ModelSerializer):
    """A project with its derived value; `sectors` is written as a list of {sector, percentage}."""

    titles = NamesField('title')
    sectors = ProjectSectorSerializer(many=True, required=False)
    parent = VisibleParentField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=ProjectStatus.choices, required=False)
    status_reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True,
        help_text='On creation at a later status than a proposal: why it starts there (the lifecycle asks for a '
        'reason when steps are skipped); recorded as its first change of status.',
    )  # fmt: skip
    data_status = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [
            'id', 'titles', 'data_status', 'status', 'stage', 'counting', 'in_aggregates', 'value_usd',
            'value_basis', 'value_year', 'unconverted_count', 'sectors', 'status_reason', *services.PROJECT_FIELDS,
        ]  # fmt: skip
        read_only_fields = [
            'stage',
            'counting',
            'in_aggregates',
            'value_usd',
            'value_basis',
            'value_year',
            'unconverted_count',
        ]
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
        return services.create_project(actor=self.context['request'].user, sectors=sectors, **validated_data)

    def update(self, instance, validated_data):
        validated_data.pop('status', None)  # a change of status is an action of its own
        validated_data.pop('status_reason', None)
        return services.update_project(
            project=instance,
            actor=self.context['request'].user,
            sectors=self._sectors(validated_data),
            **validated_data,
        )


class CurrencyCodeField(serializers.SlugRelatedField):
    default_error_messages = {'does_not_exist': 'Unknown currency {value}: not an ISO 4217 code in the reference data.'}

    def __init__(self, **kwargs):
        super().__init__(slug_field='code', queryset=Currency.objects.all(), **kwargs)


CONVERSION_FIELDS = ['value_usd', 'fx_rate', 'fx_note']


class BudgetSerializer(serializers.ModelSerializer):
    """A budget (IATI `budget`); `value_usd` is empty when no rate covers the value date, and
    `fx_note` then says why. Budgets are not part of the portfolio value."""

    currency = CurrencyCodeField()

    class Meta:
        model = Budget
        fields = ['id', *services.BUDGET_FIELDS, *CONVERSION_FIELDS]
        read_only_fields = CONVERSION_FIELDS


class PlannedDisbursementSerializer(serializers.ModelSerializer):
    currency = CurrencyCodeField()

    class Meta:
        model = PlannedDisbursement
        fields = ['id', *services.PLANNED_DISBURSEMENT_FIELDS, *CONVERSION_FIELDS]
        read_only_fields = CONVERSION_FIELDS


class DocumentLinkSerializer(serializers.ModelSerializer):
    """A document link (IATI `document-link`); `category` is an activity DocumentCategory code."""

    titles = NamesField('title')
    source = serializers.SlugRelatedField(
        slug_field='key', queryset=Source.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = DocumentLink
        fields = ['id', 'titles', *services.DOCUMENT_FIELDS]
        extra_kwargs = {f'title_{language}': {'write_only': True} for language in ('en', 'ru', 'zh', 'uz')}


class TransactionSerializer(serializers.ModelSerializer):
    """An amount (IATI `transaction`): of any sign (negative: a reversal or correction), in its
    currency, with its USD value at the value date (`value_usd` empty and `fx_note` saying why
    when no rate covers it). `supersedes` names the amount of this project it revises,
    `passes_on` the incoming commitment an outgoing one on-lends (counted once);
    `counts_in_value` says whether it makes the project's value (docs/portfolio-aggregation.md)."""

    currency = CurrencyCodeField()
    supersedes = serializers.PrimaryKeyRelatedField(
        queryset=Transaction.objects.none(), required=False, allow_null=True, write_only=True,
        help_text='id of the amount of this project that this one revises (it stops counting).',
    )  # fmt: skip

    class Meta:
        model = Transaction
        fields = [
            'id', *services.TRANSACTION_FIELDS, 'supersedes', 'superseded_by', 'counts_in_value',
            *CONVERSION_FIELDS,
        ]  # fmt: skip
        read_only_fields = ['superseded_by', 'counts_in_value', *CONVERSION_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        project = self.context.get('project')
        # Only amounts of this project can be named: another project's ids are answered as unknown.
        amounts = project.transactions.all() if project is not None else Transaction.objects.none()
        self.fields['supersedes'].queryset = amounts
        self.fields['passes_on'].queryset = amounts


class CorrectionSerializer(TransactionSerializer):
    reason = serializers.CharField(write_only=True, help_text='Why the amount is corrected (logged).')

    class Meta(TransactionSerializer.Meta):
        fields = [*TransactionSerializer.Meta.fields, 'reason']


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text='Why the amount is removed (logged).')


class ParticipantSerializer(serializers.ModelSerializer):
    """An organization taking part in the project in an IATI OrganisationRole (1 funding, 2
    accountable, 3 extending, 4 implementing); or, instead of `organization`, organizations a
    source describes without naming them, by `kind` and `country` (ISO alpha-3)."""

    country = serializers.SlugRelatedField(
        slug_field='iso3', queryset=Country.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Participant
        fields = ['id', 'organization', 'role', 'kind', 'country']


class ProjectCountrySerializer(serializers.ModelSerializer):
    """A country the project is in or benefits (IATI recipient-country, ISO alpha-3), with its share
    where the source states one."""

    country = serializers.SlugRelatedField(slug_field='iso3', queryset=Country.objects.all())

    class Meta:
        model = ProjectCountry
        fields = ['id', 'country', 'percentage']


class RelationSerializer(serializers.Serializer):
    relation = serializers.ChoiceField(choices=services.Relation.ALL)
    identifier = serializers.CharField(max_length=100, help_text='Identifier of the other project.')


class ProjectDetailSerializer(ProjectSerializer):
    """One project with its budgets, planned disbursements, documents and the linked projects
    the caller may see (the list leaves them out to stay one query per page)."""

    transactions = TransactionSerializer(many=True, read_only=True)
    participants = ParticipantSerializer(many=True, read_only=True)
    countries = ProjectCountrySerializer(many=True, read_only=True)
    budgets = BudgetSerializer(many=True, read_only=True)
    planned_disbursements = PlannedDisbursementSerializer(many=True, read_only=True)
    documents = DocumentLinkSerializer(many=True, read_only=True)
    linked = serializers.SerializerMethodField()

    class Meta(ProjectSerializer.Meta):
        fields = [
            *ProjectSerializer.Meta.fields, 'linked', 'transactions', 'participants', 'countries', 'budgets',
            'planned_disbursements', 'documents',
        ]  # fmt: skip

    def get_linked(self, project) -> list[str]:
        """Identifiers of the linked projects the caller may see."""
        request = self.context.get('request')
        visible = project.linked.visible_to(request.user if request else None)
        return list(visible.order_by('identifier').values_list('identifier', flat=True))


# A status change, budgets, documents and relations are part of a project: recording them is
# changing the project, not adding one.
CHANGES_PROJECT = 'portfolio.change_project'


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ProjectStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default='')


class ProjectViewSet(viewsets.ModelViewSet):
    """Projects the caller may see. The secretariat creates and edits; status changes are an action."""

    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    queryset = Project.objects.none()

    def get_queryset(self):
        return selectors.list_projects(selectors.visible_projects(self.request.user))

    def get_serializer_class(self):
        return ProjectDetailSerializer if self.action == 'retrieve' else ProjectSerializer

    def perform_destroy(self, instance):
        services.delete_project(project=instance, actor=self.request.user)

    @extend_schema(request=StatusChangeSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=['post'])
    @action_permission(CHANGES_PROJECT)
    def status(self, request, pk=None):
        project = self.get_object()
        body = StatusChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        project = services.change_status(project=project, actor=request.user, **body.validated_data)
        return Response(ProjectSerializer(project, context=self.get_serializer_context()).data)

    def _add(self, request, serializer_class, service):
        project = self.get_object()
        body = serializer_class(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        record = service(project=project, actor=request.user, **body.validated_data)
        return Response(serializer_class(record, context=self.get_serializer_context()).data, status=201)

    def _remove(self, records, item, service, keyword):
        project = self.get_object()
        record = getattr(project, records).filter(pk=item).first()
        if record is None:
            raise NotFound(f'no such record on project {project.identifier}')
        service(**{keyword: record}, actor=self.request.user)
        return Response(status=204)

    def _amount(self, item) -> Transaction:
        project = self.get_object()
        amount = project.transactions.filter(pk=item).first()
        if amount is None:
            raise NotFound(f'no such amount on project {project.identifier}')
        return amount

    @extend_schema(methods=['get'], responses=TransactionSerializer(many=True))
    @extend_schema(methods=['post'], request=TransactionSerializer, responses={201: TransactionSerializer})
    @action(detail=True, methods=['get', 'post'], url_name='transactions')
    @action_permission(CHANGES_PROJECT)
    def transactions(self, request, pk=None):
        """The project's amounts; POST records one (validated and converted as the form does)."""
        project = self.get_object()
        context = {**self.get_serializer_context(), 'project': project}
        if request.method == 'GET':
            amounts = project.transactions.select_related('currency')
            return Response(TransactionSerializer(amounts, many=True, context=context).data)
        body = TransactionSerializer(data=request.data, context=context)
        body.is_valid(raise_exception=True)
        amount = services.add_transaction(project=project, actor=request.user, **body.validated_data)
        return Response(TransactionSerializer(amount, context=context).data, status=201)

    @extend_schema(methods=['get'], responses=TransactionSerializer)
    @extend_schema(methods=['patch'], request=CorrectionSerializer, responses=TransactionSerializer)
    @extend_schema(methods=['delete'], request=ReasonSerializer, responses={204: None})
    @action(
        detail=True, methods=['get', 'patch', 'delete'],
        url_path=r'transactions/(?P<item>[0-9]+)', url_name='transaction',
    )  # fmt: skip
    @action_permission(CHANGES_PROJECT)
    def transaction(self, request, pk=None, item=None):
        """One amount; PATCH corrects it, DELETE removes it: both say why (`reason`, logged)."""
        amount = self._amount(item)
        context = {**self.get_serializer_context(), 'project': amount.project}
        if request.method == 'GET':
            return Response(TransactionSerializer(amount, context=context).data)
        if request.method == 'DELETE':
            body = ReasonSerializer(data=request.data or request.query_params)
            body.is_valid(raise_exception=True)
            services.remove_transaction(amount=amount, actor=request.user, reason=body.validated_data['reason'])
            return Response(status=204)
        body = CorrectionSerializer(amount, data=request.data, partial=True, context=context)
        body.is_valid(raise_exception=True)
        values = dict(body.validated_data)
        reason = values.pop('reason', '')
        values.pop('supersedes', None)  # a correction does not make the amount a revision
        amount = services.correct_transaction(amount=amount, actor=request.user, reason=reason, **values)
        return Response(TransactionSerializer(amount, context=context).data)

    @extend_schema(request=ParticipantSerializer, responses={201: ParticipantSerializer})
    @action(detail=True, methods=['post'], url_name='participants')
    @action_permission(CHANGES_PROJECT)
    def participants(self, request, pk=None):
        """Add an organization in an IATI role."""
        return self._add(request, ParticipantSerializer, services.add_participant)

    @extend_schema(request=None, responses={204: None})
    @action(
        detail=True, methods=['delete'],
        url_path=r'participants/(?P<item>[0-9]+)', url_name='participant',
    )  # fmt: skip
    @action_permission(CHANGES_PROJECT)
    def remove_participant(self, request, pk=None, item=None):
        return self._remove('participants', item, services.remove_participant, 'participant')

    @extend_schema(request=ProjectCountrySerializer, responses={201: ProjectCountrySerializer})
    @action(detail=True, methods=['post'], url_name='countries')
    @action_permission(CHANGES_PROJECT)
    def countries(self, request, pk=None):
        """Add a country the project is in or benefits."""
        return self._add(request, ProjectCountrySerializer, services.add_country)

    @extend_schema(request=None, responses={204: None})
    @action(
        detail=True, methods=['delete'],
        url_path=r'countries/(?P<item>[0-9]+)', url_name='country',
    )  # fmt: skip
    @action_permission(CHANGES_PROJECT)
    def remove_country(self, request, pk=None, item=None):
        return self._remove('countries', item, services.remove_country, 'country')

    @extend_schema(request=BudgetSerializer, responses={201: BudgetSerializer})
    @action(detail=True, methods=['post'], url_name='budgets')
    @action_permission(CHANGES_PROJECT)
    def budgets(self, request, pk=None):
        """Add a budget (validated and converted like the form: at most a year, end after start)."""
        return self._add(request, BudgetSerializer, services.add_budget)

    @extend_schema(request=None, responses={204: None})
    @action(
        detail=True, methods=['delete'],
        url_path=r'budgets/(?P<item>[0-9]+)', url_name='budget',
    )  # fmt: skip
    @action_permission(CHANGES_PROJECT)
    def remove_budget(self, request, pk=None, item=None):
        return self._remove('budgets', item, services.remove_budget, 'budget')

    @extend_schema(request=PlannedDisbursementSerializer, responses={201: PlannedDisbursementSerializer})
    @action(
        detail=True, methods=['post'],
        url_path='planned-disbursements', url_name='planned-disbursements',
    )  # fmt: skip
    @action_permission(CHANGES_PROJECT)
    def planned_disbursements(self, request, pk=None):
        return self._add(request, PlannedDisbursementSerializer, services.add_planned_disbursement)

    @extend_schema(request=None, responses={204: None})
    @action(
        detail=True, methods=['delete'],
        url_path=r'planned-disbursements/(?P<item>[0-9]+)', url_name='planned-disbursement',
    )  # fmt: skip
    @action_permission(CHANGES_PROJECT)
    def remove_planned_disbursement(self, request, pk=None, item=None):
        return self._remove('planned_disbursements', item, services.remove_planned_disbursement, 'planned_disbursement')

    @extend_schema(request=DocumentLinkSerializer, responses={201: DocumentLinkSerializer})
    @action(detail=True, methods=['post'], url_name='documents')
    @action_permission(CHANGES_PROJECT)
    def documents(self, request, pk=None):
        """Link a document (http/https address, MIME format, activity DocumentCategory code)."""
        return self._add(request, DocumentLinkSerializer, services.add_document)

    @extend_schema(request=None, responses={204: None})
    @action(
        detail=True, methods=['delete'],
        url_path=r'documents/(?P<item>[0-9]+)', url_name='document',
    )  # fmt: skip
    @action_permission(CHANGES_PROJECT)
    def remove_document(self, request, pk=None, item=None):
        return self._remove('documents', item, services.remove_document, 'document')

    def _other(self, identifier: str) -> Project:
        other = Project.objects.visible_to(self.request.user).filter(identifier=identifier).first()
        if other is None:
            raise serializers.ValidationError({'identifier': [f'No project with the identifier {identifier}.']})
        return other

    @extend_schema(request=RelationSerializer, responses={201: RelationSerializer})
    @action(detail=True, methods=['post'], url_name='relations')
    @action_permission(CHANGES_PROJECT)
    def relations(self, request, pk=None):
        """Link another project, or make it this project's parent or one of its parts (cycles are refused)."""
        project = self.get_object()
        body = RelationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        other = self._other(body.validated_data['identifier'])
        services.relate_projects(
            project=project, other=other, relation=body.validated_data['relation'], actor=request.user
        )
        return Response(body.data, status=201)

    @extend_schema(request=None, responses={204: None})
    @action(
        detail=True, methods=['delete'],
        url_path=r'relations/(?P<relation>linked|parent|child)/(?P<identifier>[^/]+)', url_name='relation',
    )  # fmt: skip
    @action_permission(CHANGES_PROJECT)
    def remove_relation(self, request, pk=None, relation=None, identifier=None):
        project = self.get_object()
        other = Project.objects.visible_to(request.user).filter(identifier=identifier).first()
        if other is None:
            raise NotFound(f'no project {identifier!r}')
        services.unrelate_projects(project=project, other=other, relation=relation, actor=request.user)
        return Response(status=204)


class GroupSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.SerializerMethodField()
    projects = serializers.IntegerField()
    unconverted_amounts = serializers.IntegerField(
        source='unconverted', help_text='Amounts of the group that no rate converts to USD (not in value_usd).'
    )
    value_usd = serializers.DecimalField(max_digits=20, decimal_places=2)
    illustrative_usd = serializers.DecimalField(
        max_digits=20, decimal_places=2, help_text='Of value_usd, from illustrative (demonstration) records.'
    )

    def get_label(self, group) -> str:
        """The group's name in the request's language; the group without one is "Not stated"."""
        return group.label or gettext('Not stated')


@extend_schema_serializer(component_name='AnnouncedFigure')  # sources.api has its own Claim
class ClaimSerializer(serializers.Serializer):
    metric = serializers.CharField()
    comparator = serializers.CharField()
    value_usd = serializers.DecimalField(max_digits=20, decimal_places=2)
    period = serializers.CharField()
    quote = serializers.CharField()
    source = serializers.CharField(source='source.title')
    publisher = serializers.CharField(source='source.publisher')


class AmountSerializer(serializers.Serializer):
    projects = serializers.IntegerField()
    value_usd = serializers.DecimalField(max_digits=20, decimal_places=2)
    illustrative_usd = serializers.DecimalField(max_digits=20, decimal_places=2)
    without_amount = serializers.IntegerField(help_text='Of the projects, those that record no commitment or pledge.')


class SummarySerializer(serializers.Serializer):
    total_usd = serializers.DecimalField(
        max_digits=20, decimal_places=2, help_text='Committed, in implementation and completed projects only.'
    )
    illustrative_usd = serializers.DecimalField(max_digits=20, decimal_places=2)
    projects_visible = serializers.IntegerField()
    projects_counted = serializers.IntegerField()
    projects_with_value = serializers.IntegerField()
    projects_without_amount = serializers.IntegerField()
    unconverted_amounts = serializers.IntegerField()
    excluded = serializers.DictField(child=serializers.IntegerField())
    by_stage = GroupSerializer(many=True)
    pipeline = AmountSerializer(help_text='Proposals and negotiations: beside the total, never in it.')
    not_counted = serializers.DictField(
        child=AmountSerializer(),
        help_text=(
            'umbrellas: umbrella agreements whose parts are recorded (the parts are counted); unallocated: '
            'what those frameworks hold beyond their recorded parts; cancelled; suspended; '
            'uncommitted_disbursements: disbursements to projects that record no commitment.'
        ),
    )
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
    unconverted_amounts = serializers.IntegerField(source='unconverted')

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
        return downloads.project_download(request.user, request.query_params, 'csv')
