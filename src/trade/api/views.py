"""The trade monitor's API: read-only statistics (public, like the pages), with every series naming
its source and classification and saying whether it is official or illustrative."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from trade import analysis_views, selectors
from trade.models import Target
from trade.selectors import records
from trade.views import source_label


class PairSerializer(serializers.Serializer):
    reporter = serializers.RegexField(r'^[A-Z]{3}$', default='UZB', help_text='ISO alpha-3 code of the reporter')
    partner = serializers.RegexField(r'^[A-Z]{3}$', default='CHN', help_text='ISO alpha-3 code of the partner')


PAIR_PARAMETERS = [
    OpenApiParameter('reporter', str, description='ISO alpha-3 code (default UZB)'),
    OpenApiParameter('partner', str, description='ISO alpha-3 code (default CHN)'),
]


def _pair(request) -> tuple[str, str]:
    query = PairSerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data['reporter'], query.validated_data['partner']


class YearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    exports = serializers.FloatField(allow_null=True, help_text='USD')
    imports = serializers.FloatField(allow_null=True, help_text='USD')
    turnover = serializers.FloatField(allow_null=True)
    balance = serializers.FloatField(allow_null=True)
    coverage = serializers.FloatField(allow_null=True, help_text='exports / imports')
    exports_growth = serializers.FloatField(allow_null=True)
    imports_growth = serializers.FloatField(allow_null=True)
    turnover_growth = serializers.FloatField(allow_null=True)


class ShareSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    partner_usd = serializers.FloatField(allow_null=True)
    world_usd = serializers.FloatField(allow_null=True)
    share = serializers.FloatField(allow_null=True)
    source = serializers.CharField()


class MirrorSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    importer = serializers.CharField()
    exporter = serializers.CharField()
    classification = serializers.CharField()
    imports_reported_usd = serializers.FloatField()
    imports_source = serializers.CharField()
    exports_reported_usd = serializers.FloatField()
    exports_source = serializers.CharField()
    cif_fob_factor = serializers.FloatField()
    gap_usd = serializers.FloatField()
    gap_pct = serializers.FloatField(allow_null=True)
    symmetric_gap = serializers.FloatField(allow_null=True)
    log_gap = serializers.FloatField(allow_null=True)


class ConcentrationSerializer(serializers.Serializer):
    measure = serializers.ChoiceField(choices=['products', 'partners'])
    direction = serializers.CharField(allow_null=True, help_text='X or M for products; null for partners')
    year = serializers.IntegerField()
    hhi = serializers.FloatField(allow_null=True, help_text='Σ s², 0–1')
    hhi_normalised = serializers.FloatField(allow_null=True, help_text='(HHI − 1/N) / (1 − 1/N)')
    n = serializers.IntegerField(help_text='products or partners with a positive value')
    source = serializers.CharField()
    classification = serializers.CharField()
    data_status = serializers.ChoiceField(choices=['official', 'illustrative'])


class MonitorSerializer(serializers.Serializer):
    reporter = serializers.CharField()
    partner = serializers.CharField()
    source = serializers.CharField(allow_null=True, help_text='dataset key of the yearly series')
    source_label = serializers.CharField(allow_null=True)
    classification = serializers.CharField(allow_null=True)
    data_status = serializers.ChoiceField(choices=['official', 'illustrative'])
    cagr = serializers.FloatField(allow_null=True, help_text='compound annual growth of turnover over the series')
    years = YearSerializer(many=True)
    share = ShareSerializer(many=True, help_text="the partner's share of the reporter's trade with all partners")
    mirror = MirrorSerializer(many=True, help_text="both sides' reports of the same flow, where both exist")
    concentration = ConcentrationSerializer(
        many=True, help_text="HHI of the pair's products (latest product year) and of the reporter's partners"
    )


class MonitorView(APIView):
    """Yearly exports, imports, turnover, balance, coverage and growth of a pair, from one official
    source (named), with the partner's share and the mirror comparison."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=PAIR_PARAMETERS, responses=MonitorSerializer, operation_id='trade_monitor')
    def get(self, request):
        reporter, partner = _pair(request)
        monitor = selectors.CachedMonitor(reporter, partner)
        yearly = monitor.yearly()
        source = yearly.source.iloc[0] if not yearly.empty else None
        share = monitor.share()
        data = {
            'reporter': reporter,
            'partner': partner,
            'source': source,
            'source_label': str(source_label(source)) if source else None,
            'classification': yearly.classification.iloc[0] if not yearly.empty else None,
            'data_status': 'official',
            'cagr': monitor.cagr() if not yearly.empty else None,
            'years': records(yearly),
            'share': records(share),
            'mirror': records(monitor.mirror()),
            'concentration': [
                dict(row, data_status='illustrative' if row['illustrative'] else 'official')
                for row in selectors.concentration(monitor)
            ],
        }
        return Response(MonitorSerializer(data).data)


class ClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    comparator = serializers.CharField()
    value_usd = serializers.DecimalField(max_digits=20, decimal_places=2)
    period = serializers.CharField()
    quote = serializers.CharField()
    source = serializers.CharField(source='source.title')
    source_key = serializers.CharField(source='source.key')
    publisher = serializers.CharField(source='source.publisher')
    date = serializers.CharField(source='source.date_text')


class RequiredRowSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    years = serializers.IntegerField()
    required = serializers.FloatField(allow_null=True, help_text='growth a year (a change in USD a year for a balance)')
    projected = serializers.FloatField(allow_null=True)
    lower = serializers.FloatField(allow_null=True)
    upper = serializers.FloatField(allow_null=True)
    status = serializers.CharField(allow_null=True)


class ProjectionSerializer(serializers.Serializer):
    method = serializers.CharField()
    level = serializers.FloatField()
    years = serializers.ListField(child=serializers.IntegerField())
    central = serializers.ListField(child=serializers.FloatField())
    lower = serializers.ListField(child=serializers.FloatField())
    upper = serializers.ListField(child=serializers.FloatField())
    parameters = serializers.DictField()


class BackTestSerializer(serializers.Serializer):
    method = serializers.CharField()
    forecasts = serializers.IntegerField()
    mape = serializers.FloatField(allow_null=True, help_text='percent')
    mase = serializers.FloatField(allow_null=True)


class SplitSerializer(serializers.Serializer):
    assumption = serializers.CharField()
    exports_usd = serializers.FloatField()
    imports_usd = serializers.FloatField()
    balance_usd = serializers.FloatField()
    exports_growth = serializers.FloatField(allow_null=True)
    imports_growth = serializers.FloatField(allow_null=True)


class AssessmentSerializer(serializers.Serializer):
    statistics_source = serializers.CharField(source='source')
    classification = serializers.CharField()
    latest_year = serializers.IntegerField(allow_null=True)
    latest_usd = serializers.FloatField(source='latest', allow_null=True)
    by_year = serializers.IntegerField(allow_null=True)
    required = serializers.FloatField(allow_null=True)
    status = serializers.CharField(allow_null=True)
    reaches_in = serializers.IntegerField(allow_null=True)
    method = serializers.CharField(allow_null=True)
    table = RequiredRowSerializer(many=True)
    projections = serializers.SerializerMethodField()
    backtests = serializers.SerializerMethodField()
    split = SplitSerializer(many=True)
    official_for_year = serializers.FloatField(allow_null=True)
    difference = serializers.FloatField(allow_null=True, help_text='announced minus official')

    def get_projections(self, assessment) -> list[dict]:
        return ProjectionSerializer(list(assessment.projections.values()), many=True).data

    def get_backtests(self, assessment) -> list[dict]:
        return BackTestSerializer(list(assessment.backtests.values()), many=True).data


class TargetSerializer(serializers.Serializer):
    id = serializers.IntegerField(source='target.pk')
    kind = serializers.ChoiceField(choices=Target.Kind.choices, source='target.kind')
    metric = serializers.ChoiceField(choices=Target.Metric.choices, source='target.metric')
    reporter = serializers.CharField(source='target.reporter_id')
    partner = serializers.CharField(source='target.partner_id')
    value_usd = serializers.DecimalField(max_digits=20, decimal_places=2, source='target.value_usd')
    year = serializers.IntegerField(source='target.year', allow_null=True)
    note = serializers.CharField(source='target.note')
    claim = ClaimSerializer(source='target.claim', allow_null=True)
    assessment = AssessmentSerializer(source='*')


class TargetsView(APIView):
    """Targets and announced figures of a pair, each with where it stands: the latest actual, the
    growth needed by a year (`by`, default the target's year or the latest year + 5) and for 3–6
    years, the projection with an 80 % interval and its back-test, status and the export/import split."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[*PAIR_PARAMETERS, OpenApiParameter('by', int, description='year to reach the target by')],
        responses=TargetSerializer(many=True),
        operation_id='trade_targets',
    )
    def get(self, request):
        reporter, partner = _pair(request)
        by = serializers.IntegerField(min_value=1900, max_value=2200, required=False, allow_null=True)
        by = by.run_validation(request.query_params.get('by')) if request.query_params.get('by') else None
        monitor = selectors.CachedMonitor(reporter, partner)
        return Response(TargetSerializer(selectors.assessments(monitor, by=by), many=True).data)


class ProductRowSerializer(serializers.Serializer):
    code = serializers.CharField(help_text='HS section, chapter, heading or subheading')
    name = serializers.CharField()
    value_usd = serializers.FloatField()
    base_value_usd = serializers.FloatField()
    share = serializers.FloatField(allow_null=True)
    growth = serializers.FloatField(allow_null=True)
    contribution = serializers.FloatField(allow_null=True, help_text="share of the total's growth")


class ProductLevelSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=['X', 'M'])
    year = serializers.IntegerField(allow_null=True)
    base_year = serializers.IntegerField(allow_null=True)
    source = serializers.CharField()
    classification = serializers.CharField()
    data_status = serializers.SerializerMethodField()
    total_usd = serializers.FloatField()
    years = serializers.ListField(child=serializers.IntegerField())
    rows = ProductRowSerializer(many=True)

    def get_data_status(self, level) -> str:
        """ "illustrative" when the only product data are generated, "official" otherwise."""
        return 'illustrative' if level.illustrative else 'official'


class ProductQuerySerializer(PairSerializer):
    flow = serializers.ChoiceField(choices=['X', 'M'], default='M')
    year = serializers.IntegerField(required=False)
    code = serializers.RegexField(r'^(\d{2}|\d{4}|\d{6})$', required=False, help_text='chapter, heading or subheading')
    section = serializers.RegexField(r'^[IVX]{1,5}$', required=False, help_text='HS section (roman numeral)')


class ProductsView(APIView):
    """The pair's trade by product one level at a time: HS sections (no code), the chapters of a
    section, the headings of a chapter, the subheadings of a heading; with growth contributions.
    Product data may be illustrative (generated): `data_status` says so."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            *PAIR_PARAMETERS,
            OpenApiParameter('flow', str, enum=['X', 'M']),
            OpenApiParameter('year', int),
            OpenApiParameter('code', str),
            OpenApiParameter('section', str),
        ],
        responses=ProductLevelSerializer,
        operation_id='trade_products',
    )
    def get(self, request):
        query = ProductQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        monitor = selectors.CachedMonitor(values['reporter'], values['partner'])
        level = selectors.product_level(
            monitor,
            direction=values['flow'],
            year=values.get('year'),
            prefix=values.get('code', ''),
            section=values.get('section', ''),
        )
        return Response(ProductLevelSerializer(level).data)


class PartnerRowSerializer(serializers.Serializer):
    partner = serializers.CharField(help_text='ISO alpha-3; _OT = other countries (not itemised)')
    name = serializers.CharField(help_text='in the language of the request')
    rank = serializers.IntegerField(allow_null=True, help_text='by turnover; other countries have none')
    exports = serializers.FloatField(allow_null=True, help_text='USD')
    imports = serializers.FloatField(allow_null=True, help_text='USD')
    turnover = serializers.FloatField(allow_null=True)
    balance = serializers.FloatField(allow_null=True)
    share = serializers.FloatField(allow_null=True, help_text="of the reporter's turnover with the world")
    exports_growth = serializers.FloatField(allow_null=True, help_text='on the year before')
    imports_growth = serializers.FloatField(allow_null=True)
    turnover_growth = serializers.FloatField(allow_null=True)


class WorldSerializer(serializers.Serializer):
    exports = serializers.FloatField(allow_null=True)
    imports = serializers.FloatField(allow_null=True)
    turnover = serializers.FloatField(allow_null=True)


class PartnersSerializer(serializers.Serializer):
    reporter = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    years = serializers.ListField(child=serializers.IntegerField())
    source = serializers.CharField(allow_null=True)
    source_label = serializers.CharField(allow_null=True)
    classification = serializers.CharField(allow_null=True)
    data_status = serializers.ChoiceField(choices=['official', 'illustrative'])
    world = WorldSerializer(allow_null=True, help_text='WLD rows where the source has them, else the sum of partners')
    partners = PartnerRowSerializer(many=True)


class PartnerQuerySerializer(serializers.Serializer):
    reporter = serializers.RegexField(r'^[A-Z]{3}$', default='UZB', help_text='ISO alpha-3 code of the reporter')
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2200)


class PartnersView(APIView):
    """The reporter's trade with every partner in one year (default: the latest) from one source
    (named): exports, imports, turnover, balance, share of its trade with the world, rank by
    turnover and growth on the year before. Sorted by rank; other countries (not itemised) last."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter('reporter', str, description='ISO alpha-3 code (default UZB)'),
            OpenApiParameter('year', int, description='default: the latest year'),
        ],
        responses=PartnersSerializer,
        operation_id='trade_partners',
    )
    def get(self, request):
        from trade.partner_views import partner_names

        query = PartnerQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        reporter, year = query.validated_data['reporter'], query.validated_data.get('year')
        monitor = selectors.CachedMonitor(reporter, 'CHN')
        years = monitor.partner_years()
        if year is not None and year not in years:
            available = f'{years[0]}–{years[-1]}' if years else '—'
            raise serializers.ValidationError({'year': [f'No partner statistics for {year} (years: {available}).']})
        data = {'reporter': reporter, 'year': None, 'years': years, 'source': None, 'source_label': None,
                'classification': None, 'data_status': 'official', 'world': None, 'partners': []}  # fmt: skip
        if years:
            table = monitor.partners(year=year or years[-1])
            names = partner_names(table.partner)
            rows = [dict(row, name=names[row['partner']]) for row in records(table)]
            first = rows[0]
            data.update({
                'year': int(first['year']), 'source': first['source'],
                'source_label': str(source_label(first['source'])), 'classification': first['classification'],
                'data_status': 'illustrative' if first['illustrative'] else 'official',
                'world': {key: first[f'world_{key}'] for key in ('exports', 'imports', 'turnover')},
                'partners': rows,
            })  # fmt: skip
        return Response(PartnersSerializer(data).data)


class ComplementaritySerializer(serializers.Serializer):
    year = serializers.IntegerField()
    exporter = serializers.CharField()
    importer = serializers.CharField()
    tc = serializers.FloatField(allow_null=True, help_text="Michaely's index, 0–100")


class RcaRowSerializer(serializers.Serializer):
    product = serializers.CharField(help_text='HS6 subheading')
    description = serializers.CharField()
    value_usd = serializers.FloatField(help_text="the reporter's exports to the world")
    rca = serializers.FloatField()
    rca_symmetric = serializers.FloatField()
    partner_value_usd = serializers.FloatField(allow_null=True)
    partner_rca = serializers.FloatField(allow_null=True, help_text='0 where the partner exports none of it')
    partner_rca_symmetric = serializers.FloatField(allow_null=True)


class RcaSerializer(serializers.Serializer):
    reporter = serializers.CharField()
    partner = serializers.CharField()
    source = serializers.CharField(allow_null=True, help_text='world product data (every exporter), e.g. baci')
    source_label = serializers.CharField(allow_null=True)
    classification = serializers.CharField(allow_null=True)
    data_status = serializers.CharField(help_text='"official", or "no data" when no world product data are loaded')
    years = serializers.ListField(child=serializers.IntegerField())
    year = serializers.IntegerField(allow_null=True)
    complementarity = ComplementaritySerializer(many=True, help_text='both directions, every year')
    rows = RcaRowSerializer(many=True, help_text='RCA ≥ 1 first, each group by export value')


class RcaQuerySerializer(PairSerializer):
    year = serializers.IntegerField(required=False)


class RcaView(APIView):
    """Balassa's revealed comparative advantage of the reporter's exports, with the partner's RCA
    of the same products, and Michaely's trade complementarity both ways, from world product data
    (BACI). Empty, with `data_status` "no data", when no such data are loaded."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[*PAIR_PARAMETERS, OpenApiParameter('year', int)],
        responses=RcaSerializer,
        operation_id='trade_rca',
    )
    def get(self, request):
        query = RcaQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        monitor = selectors.CachedMonitor(values['reporter'], values['partner'])
        result = analysis_views.advantage(monitor, values.get('year'))
        data = {
            'reporter': result.reporter,
            'partner': result.partner,
            'source': result.source or None,
            'source_label': str(source_label(result.source)) if result.source else None,
            'classification': result.classification or None,
            'data_status': 'official' if result.has_data else 'no data',
            'years': result.years,
            'year': result.year,
            'complementarity': result.complementarity,
            'rows': records(analysis_views.advantage_frame(result)),
        }
        return Response(RcaSerializer(data).data)


class MirrorProductRowSerializer(serializers.Serializer):
    code = serializers.CharField(help_text='HS chapter or heading')
    description = serializers.CharField()
    imports_usd = serializers.FloatField(help_text="the importer's report (CIF)")
    exports_usd = serializers.FloatField(help_text="the exporter's report (FOB)")
    exports_cif_usd = serializers.FloatField(help_text='exports × the CIF/FOB factor')
    gap_usd = serializers.FloatField()
    gap_pct = serializers.FloatField(allow_null=True)
    symmetric_gap = serializers.FloatField(allow_null=True)


class MirrorTotalsSerializer(serializers.Serializer):
    imports_usd = serializers.FloatField()
    exports_usd = serializers.FloatField()
    exports_cif_usd = serializers.FloatField()
    gap_usd = serializers.FloatField()
    gap_pct = serializers.FloatField(allow_null=True)
    symmetric_gap = serializers.FloatField(allow_null=True)


class MirrorProductsSerializer(serializers.Serializer):
    importer = serializers.CharField()
    exporter = serializers.CharField()
    digits = serializers.IntegerField()
    years = serializers.ListField(child=serializers.IntegerField())
    year = serializers.IntegerField(allow_null=True)
    classification = serializers.CharField(allow_null=True)
    imports_source = serializers.CharField(allow_null=True)
    exports_source = serializers.CharField(allow_null=True)
    cif_fob_factor = serializers.FloatField()
    totals = MirrorTotalsSerializer(allow_null=True, help_text='the sums of the rows')
    rows = MirrorProductRowSerializer(many=True, help_text='largest absolute gap first')
    mirror = MirrorSerializer(many=True, help_text="both sides' total reports, as in /api/trade/monitor/")


class MirrorQuerySerializer(PairSerializer):
    year = serializers.IntegerField(required=False)
    digits = serializers.ChoiceField(choices=[2, 4], default=2)
    importer = serializers.RegexField(r'^[A-Z]{3}$', required=False, help_text='the reporter (default) or the partner')


class MirrorProductsView(APIView):
    """Mirror statistics by HS chapter or heading: the importer's declared imports (CIF) against the
    exporter's declared exports (FOB) × the CIF/FOB factor, where both sides' product-level
    reports exist; gap, gap % and symmetric gap, with totals that are the sums of the rows."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            *PAIR_PARAMETERS,
            OpenApiParameter('year', int),
            OpenApiParameter('digits', int, enum=[2, 4]),
            OpenApiParameter('importer', str),
        ],
        responses=MirrorProductsSerializer,
        operation_id='trade_mirror',
    )
    def get(self, request):
        query = MirrorQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        monitor = selectors.CachedMonitor(values['reporter'], values['partner'])
        result = analysis_views.mirror(
            monitor, year=values.get('year'), digits=int(values['digits']), importer=values.get('importer')
        )
        data = {
            'importer': result.importer,
            'exporter': result.exporter,
            'digits': result.digits,
            'years': result.years,
            'year': result.year,
            'classification': result.classification or None,
            'imports_source': result.imports_source or None,
            'exports_source': result.exports_source or None,
            'cif_fob_factor': result.cif_fob_factor,
            'totals': result.totals or None,
            'rows': records(analysis_views.mirror_frame(result)),
            'mirror': records(monitor.mirror()),
        }
        return Response(MirrorProductsSerializer(data).data)
