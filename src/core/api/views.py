"""Reference data and change log endpoints."""

import datetime
from decimal import Decimal

from django.db.models import Count, Prefetch
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import permissions, serializers, viewsets
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from core import selectors
from core.filters import ChangeFilter, CodelistItemFilter, CountryFilter, ExchangeRateFilter, HSCodeFilter
from core.fx import RateUnavailable, convert
from core.models import (
    Codelist,
    CodelistItem,
    Country,
    Currency,
    ExchangeRate,
    HSCode,
    HSSection,
    ObjectChange,
    ReferenceDataset,
)
from hamkor.api import error_response

#
# Serializers
#


@extend_schema_field(
    {
        'type': 'object',
        'properties': {language: {'type': 'string'} for language in ('en', 'ru', 'zh', 'uz')},
        'description': 'The name in English, Russian, Chinese and Uzbek (empty where unknown).',
    }
)
class NamesField(serializers.Field):
    """The four translated columns of a record as {"en": …, "ru": …, "zh": …, "uz": …}."""

    def __init__(self, field: str = 'name', **kwargs):
        self.base = field
        kwargs['source'] = '*'
        kwargs['read_only'] = True
        super().__init__(**kwargs)

    def to_representation(self, instance):
        return {language: getattr(instance, f'{self.base}_{language}') for language in ('en', 'ru', 'zh', 'uz')}


class CountrySerializer(serializers.ModelSerializer):
    names = NamesField()

    class Meta:
        model = Country
        fields = [
            'iso2',
            'iso3',
            'iso_numeric',
            'm49',
            'names',
            'official_name_en',
            'region',
            'subregion',
            'currency_code',
            'capital',
        ]


class CurrencySerializer(serializers.ModelSerializer):
    class Meta:
        model = Currency
        fields = ['code', 'name_en', 'minor_unit', 'is_withdrawn']


class CodelistSerializer(serializers.ModelSerializer):
    item_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Codelist
        fields = ['name', 'description', 'category_codelist', 'item_count']


class CodelistItemSerializer(serializers.ModelSerializer):
    codelist = serializers.CharField(source='codelist.name', read_only=True)

    class Meta:
        model = CodelistItem
        fields = ['codelist', 'code', 'name_en', 'description', 'category', 'is_withdrawn']


class SectorSerializer(serializers.ModelSerializer):
    category_name = serializers.SerializerMethodField()

    class Meta:
        model = CodelistItem
        fields = ['code', 'name_en', 'description', 'category', 'category_name']

    def get_category_name(self, item) -> str:
        return self.context['categories'].get(item.category, '')


class HSSectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = HSSection
        fields = ['code', 'number', 'name']


class HSCodeBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = HSCode
        fields = ['edition', 'code', 'level', 'description']


class HSCodeSerializer(serializers.ModelSerializer):
    section = HSSectionSerializer(read_only=True)
    parent = serializers.CharField(source='parent.code', read_only=True, default=None)

    class Meta:
        model = HSCode
        fields = ['edition', 'code', 'level', 'description', 'parent', 'section']


class HSCodeDetailSerializer(HSCodeSerializer):
    chapter = serializers.SerializerMethodField()
    heading = serializers.SerializerMethodField()
    children = HSCodeBriefSerializer(many=True, read_only=True)

    class Meta(HSCodeSerializer.Meta):
        fields = [*HSCodeSerializer.Meta.fields, 'chapter', 'heading', 'children']

    def _ancestor(self, code: HSCode, level: int):
        for ancestor in self.context['lineage']:
            if ancestor.level == level:
                return HSCodeBriefSerializer(ancestor).data
        return None

    def get_chapter(self, code) -> dict | None:
        return self._ancestor(code, 2)

    def get_heading(self, code) -> dict | None:
        return self._ancestor(code, 4)


class ExchangeRateSerializer(serializers.ModelSerializer):
    currency = serializers.CharField(source='currency_id')
    per_usd = serializers.DecimalField(max_digits=40, decimal_places=24, normalize_output=True)
    source = serializers.CharField(source='dataset.title')
    dataset = serializers.CharField(source='dataset.key')

    class Meta:
        model = ExchangeRate
        fields = ['currency', 'frequency', 'period_start', 'period_end', 'per_usd', 'source', 'dataset']


class ReferenceDatasetSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReferenceDataset
        fields = ['key', 'title', 'path', 'origin', 'licence', 'sha256', 'row_count', 'loaded_at']


class ChangeSerializer(serializers.ModelSerializer):
    record_type = serializers.CharField(source='content_type.model')
    app = serializers.CharField(source='content_type.app_label')

    class Meta:
        model = ObjectChange
        fields = [
            'id',
            'time',
            'actor_name',
            'channel',
            'request_id',
            'action',
            'reason',
            'app',
            'record_type',
            'object_id',
            'object_repr',
            'before',
            'after',
        ]


#
# Views
#


class ReferenceViewSet(viewsets.ReadOnlyModelViewSet):
    """Reference data is public: anyone may read it, nobody changes it through the API."""

    permission_classes = [permissions.AllowAny]


class CountryViewSet(ReferenceViewSet):
    queryset = Country.objects.all()
    serializer_class = CountrySerializer
    filterset_class = CountryFilter
    lookup_field = 'iso3'


class CurrencyViewSet(ReferenceViewSet):
    queryset = Currency.objects.all()
    serializer_class = CurrencySerializer
    lookup_field = 'code'


class CodelistViewSet(ReferenceViewSet):
    queryset = Codelist.objects.annotate(item_count=Count('items')).order_by('name')
    serializer_class = CodelistSerializer
    lookup_field = 'name'


class CodelistItemViewSet(ReferenceViewSet):
    queryset = CodelistItem.objects.select_related('codelist')
    serializer_class = CodelistItemSerializer
    filterset_class = CodelistItemFilter


class SectorViewSet(ReferenceViewSet):
    """DAC 5-digit sectors with their DAC 3-digit category."""

    queryset = selectors.sectors()
    serializer_class = SectorSerializer
    filterset_fields = ['category']
    lookup_field = 'code'

    def get_serializer_context(self):
        return {**super().get_serializer_context(), 'categories': selectors.sector_categories()}


class HSSectionViewSet(ReferenceViewSet):
    queryset = HSSection.objects.all()
    serializer_class = HSSectionSerializer
    lookup_field = 'code'


@extend_schema(parameters=[OpenApiParameter('edition', str, OpenApiParameter.PATH, enum=['2017', '2022'])])
class HSCodeViewSet(ReferenceViewSet):
    """HS nomenclature of one edition; a subheading's page names its heading and chapter."""

    serializer_class = HSCodeSerializer
    filterset_class = HSCodeFilter
    lookup_field = 'code'
    lookup_value_regex = r'[0-9]{2,6}'

    def get_queryset(self):
        if getattr(self, 'swagger_fake_view', False):  # schema generation has no URL kwargs
            return HSCode.objects.none()
        return HSCode.objects.filter(edition=self.kwargs['edition']).select_related('section', 'parent')

    def retrieve(self, request, *args, **kwargs):
        queryset = self.get_queryset().prefetch_related(Prefetch('children', HSCode.objects.order_by('code')))
        code = get_object_or_404(queryset, code=kwargs['code'])
        context = {**self.get_serializer_context(), 'lineage': selectors.hs_lineage(code)}
        return Response(HSCodeDetailSerializer(code, context=context).data)


class ExchangeRateViewSet(ReferenceViewSet):
    queryset = ExchangeRate.objects.select_related('dataset')
    serializer_class = ExchangeRateSerializer
    filterset_class = ExchangeRateFilter


class ReferenceDatasetViewSet(ReferenceViewSet):
    queryset = ReferenceDataset.objects.all()
    serializer_class = ReferenceDatasetSerializer
    lookup_field = 'key'


class ConvertQuerySerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=24, decimal_places=6)
    currency = serializers.SlugRelatedField(slug_field='code', queryset=Currency.objects.all())
    to = serializers.SlugRelatedField(slug_field='code', queryset=Currency.objects.all(), required=False)
    date = serializers.DateField()

    def validate_amount(self, value: Decimal) -> Decimal:
        if value < 0:
            raise serializers.ValidationError('must not be negative')
        return value

    def validate_date(self, value: datetime.date) -> datetime.date:
        if value > timezone.localdate():
            raise serializers.ValidationError('must not be in the future')
        return value


class RateUsedSerializer(serializers.Serializer):
    currency = serializers.CharField()
    per_usd = serializers.DecimalField(max_digits=40, decimal_places=24, normalize_output=True)
    frequency = serializers.CharField()
    period = serializers.CharField()
    source = serializers.CharField()
    dataset = serializers.CharField(source='dataset_key')


class ConversionSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=24, decimal_places=6, normalize_output=True)
    currency = serializers.CharField()
    to = serializers.CharField(source='target')
    date = serializers.DateField(source='on')
    result = serializers.DecimalField(max_digits=24, decimal_places=2)
    rates = RateUsedSerializer(many=True)
    explanation = serializers.CharField()


class ConvertView(APIView):
    """Convert an amount between currencies on a date, stating the rate and its source.

    Refuses with 422 `fx_rate_unavailable` when no rate of the project covers the date.
    """

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter('amount', OpenApiTypes.DECIMAL, required=True),
            OpenApiParameter('currency', str, required=True, description='ISO 4217 code, e.g. CNY'),
            OpenApiParameter('to', str, description='ISO 4217 code; USD when omitted'),
            OpenApiParameter('date', OpenApiTypes.DATE, required=True, description='value date'),
        ],
        responses=ConversionSerializer,
    )
    def get(self, request):
        query = ConvertQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        target = values['to'].code if values.get('to') else 'USD'
        try:
            conversion = convert(values['amount'], values['currency'].code, values['date'], target)
        except RateUnavailable as error:
            return error_response(422, error.code, str(error))
        return Response(ConversionSerializer(conversion).data)


class CanViewChangeLog(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.user.has_perm('core.view_objectchange')


class ChangeViewSet(viewsets.ReadOnlyModelViewSet):
    """The change log: who changed which record, when, through which channel, from what to what."""

    queryset = ObjectChange.objects.none()
    serializer_class = ChangeSerializer
    filterset_class = ChangeFilter
    permission_classes = [permissions.IsAuthenticated, CanViewChangeLog]

    def get_queryset(self):
        return ObjectChange.objects.visible_to(self.request.user).select_related('content_type')
