"""The trade monitor's API: read-only statistics (public, like the pages), with every series naming
its source and classification and saying whether it is official or illustrative.

Each endpoint reads the selector of its page and validates its parameters with its page's form
(trade.forms); a form's errors are answered 400 in the project's error shape. Every answer names
the slices left out because their files are missing or damaged (`missing_slices`), its figures
that need them being null."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from trade import forms, selectors
from trade.api import serializers as shapes
from trade.labels import source_label
from trade.schema import PARTNER, REPORTER
from trade.selectors import records


class PairSerializer(serializers.Serializer):
    reporter = serializers.RegexField(r'^[A-Z]{3}$', default=REPORTER, help_text='ISO alpha-3 code of the reporter')
    partner = serializers.RegexField(r'^[A-Z]{3}$', default=PARTNER, help_text='ISO alpha-3 code of the partner')


class ReporterSerializer(serializers.Serializer):
    reporter = serializers.RegexField(r'^[A-Z]{3}$', default=REPORTER, help_text='ISO alpha-3 code of the reporter')


PAIR_PARAMETERS = [
    OpenApiParameter('reporter', str, description=f'ISO alpha-3 code (default {REPORTER})'),
    OpenApiParameter('partner', str, description=f'ISO alpha-3 code (default {PARTNER})'),
]


def _monitor(request, pair=PairSerializer) -> selectors.CachedMonitor:
    query = pair(data=request.query_params)
    query.is_valid(raise_exception=True)
    return selectors.CachedMonitor(query.validated_data['reporter'], query.validated_data.get('partner', PARTNER))


def _values(form_class, request, monitor) -> dict:
    """The parameters validated by the page's form; its errors as a 400 answer."""
    form = form_class(request.query_params, monitor=monitor)
    if not form.is_valid():
        raise serializers.ValidationError({name: list(messages) for name, messages in form.errors.items()})
    return form.values()


def _status(illustrative) -> str:
    return 'illustrative' if illustrative else 'official'


class MonitorView(APIView):
    """Yearly exports, imports, turnover, balance, coverage and growth of a pair, from one official
    source (named), with the partner's share and the mirror comparison."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=PAIR_PARAMETERS, responses=shapes.MonitorSerializer, operation_id='trade_monitor')
    def get(self, request):
        board = selectors.dashboard(_monitor(request))
        data = {
            'reporter': board.reporter,
            'partner': board.partner,
            'source': board.source,
            'source_label': str(source_label(board.source)) if board.source else None,
            'classification': board.classification,
            'data_status': 'official',
            'cagr': board.cagr,
            'years': records(board.yearly),
            'share': records(board.share),
            'mirror': records(board.mirror),
            'concentration': [dict(row, data_status=_status(row['illustrative'])) for row in board.concentration],
            'missing_slices': board.missing_slices,
        }
        return Response(shapes.MonitorSerializer(data).data)


class TargetsView(APIView):
    """Targets and announced figures of a pair, each with where it stands: the latest actual, the
    growth needed by a year (`by`, default the target's year or the latest year + 5; at most 15
    years after the latest) and for 3–6 years, the projection with an 80 % interval and its
    back-test, status and the export/import split."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[*PAIR_PARAMETERS, OpenApiParameter('by', int, description='year to reach the target by')],
        responses=shapes.TargetSerializer(many=True),
        operation_id='trade_targets',
    )
    def get(self, request):
        monitor = _monitor(request)
        board = selectors.dashboard(monitor, by=_values(forms.DashboardForm, request, monitor)['by'])
        return Response(shapes.TargetSerializer(board.assessments, many=True).data)


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
            OpenApiParameter('code', str, description='chapter, heading or subheading'),
            OpenApiParameter('section', str, description='HS section (roman numeral)'),
        ],
        responses=shapes.ProductLevelSerializer,
        operation_id='trade_products',
    )
    def get(self, request):
        monitor = _monitor(request)
        values = _values(forms.ProductsForm, request, monitor)
        level = selectors.products(
            monitor, direction=values['flow'], year=values['year'], code=values['code'], section=values['section']
        )
        return Response(shapes.ProductLevelSerializer(level).data)


class PartnersView(APIView):
    """The reporter's trade with every partner in one year (default: the latest) from one source
    (named): exports, imports, turnover, balance, share of its trade with the world, rank by
    turnover and growth on the year before. Sorted by rank; other countries (not itemised) last."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter('reporter', str, description=f'ISO alpha-3 code (default {REPORTER})'),
            OpenApiParameter('year', int, description='default: the latest year'),
        ],
        responses=shapes.PartnersSerializer,
        operation_id='trade_partners',
    )
    def get(self, request):
        monitor = _monitor(request, ReporterSerializer)
        result = selectors.partners(monitor, year=_values(forms.PartnersForm, request, monitor)['year'])
        data = {
            'reporter': result.reporter,
            'year': result.year if result.has_data else None,
            'years': result.years,
            'source': result.source,
            'source_label': str(source_label(result.source)) if result.has_data else None,
            'classification': result.classification,
            'data_status': _status(result.illustrative),
            'world': result.world,
            'partners': result.rows,
            'missing_slices': result.missing_slices,
        }
        return Response(shapes.PartnersSerializer(data).data)


class RcaView(APIView):
    """Balassa's revealed comparative advantage of the reporter's exports, with the partner's RCA
    of the same products, and Michaely's trade complementarity both ways, from world product data
    (BACI). Empty, with `data_status` "no data", when no such data are loaded."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[*PAIR_PARAMETERS, OpenApiParameter('year', int)],
        responses=shapes.RcaSerializer,
        operation_id='trade_rca',
    )
    def get(self, request):
        monitor = _monitor(request)
        result = selectors.advantage(monitor, year=_values(forms.AdvantageForm, request, monitor)['year'])
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
            'rows': records(result.frame),
            'missing_slices': result.missing_slices,
        }
        return Response(shapes.RcaSerializer(data).data)


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
            OpenApiParameter('importer', str, description='the reporter (default) or the partner'),
        ],
        responses=shapes.MirrorProductsSerializer,
        operation_id='trade_mirror',
    )
    def get(self, request):
        monitor = _monitor(request)
        values = _values(forms.MirrorForm, request, monitor)
        result = selectors.mirror(monitor, year=values['year'], digits=values['digits'], importer=values['importer'])
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
            'rows': records(result.frame),
            'mirror': records(result.totals_mirror),
            'missing_slices': result.missing_slices,
        }
        return Response(shapes.MirrorProductsSerializer(data).data)
