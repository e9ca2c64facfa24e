"""The shapes of the trade monitor's API answers (read-only).

The fields that several answers share are written once, in the factories below: a list of
years, the data status, where a series comes from, a flow's exports, imports and turnover and
their growth, both sides' reports of a mirror flow and the gap between them. A factory of a
group returns its fields in order and a shape unpacks them where the group stands in it
(`exports, imports, turnover = flow_totals()`): the order of a shape's fields is the order of
the keys of the answer and of the properties of its OpenAPI component.
"""

from rest_framework import serializers

from trade.models import Target

DATA_STATUSES = ['official', 'illustrative']


#
# Fields that several shapes share, made afresh for each shape
#


def years_field() -> serializers.ListField:
    """The years of a series, oldest first."""
    return serializers.ListField(child=serializers.IntegerField())


def data_status_field() -> serializers.ChoiceField:
    """Whether the figures are official statistics or contain illustrative (generated) data."""
    return serializers.ChoiceField(choices=DATA_STATUSES)


def provenance(source_help: str | None = None) -> tuple[serializers.CharField, ...]:
    """source, source_label, classification: where a series comes from (null without data)."""
    return tuple(serializers.CharField(allow_null=True, help_text=text) for text in (source_help, None, None))


def flow_totals(usd_help: str | None = None) -> tuple[serializers.FloatField, ...]:
    """exports, imports, turnover of a year (null where the source has no figure)."""
    return tuple(serializers.FloatField(allow_null=True, help_text=text) for text in (usd_help, usd_help, None))


def flow_growth(help_text: str | None = None) -> tuple[serializers.FloatField, ...]:
    """exports_growth, imports_growth, turnover_growth (null for the first year); `help_text`,
    which describes the three, is given to the first."""
    return tuple(serializers.FloatField(allow_null=True, help_text=text) for text in (help_text, None, None))


MIRROR_REPORTS_HELP = ("the importer's report (CIF)", "the exporter's report (FOB)", 'exports × the CIF/FOB factor')


def mirror_reports(help_texts=(None, None, None)) -> tuple[serializers.FloatField, ...]:
    """imports_usd, exports_usd, exports_cif_usd: both sides' reports of a flow, the exporter's
    also at the importer's (CIF) value."""
    return tuple(serializers.FloatField(help_text=text) for text in help_texts)


def mirror_gap() -> tuple[serializers.FloatField, ...]:
    """gap_usd, gap_pct, symmetric_gap: the importer's report less the exporter's at CIF value."""
    return serializers.FloatField(), serializers.FloatField(allow_null=True), serializers.FloatField(allow_null=True)


class MissingSliceSerializer(serializers.Serializer):
    """A slice of the store left out of every figure because its files are missing or damaged."""

    source = serializers.CharField()
    reporter = serializers.CharField(help_text='ALL for a slice of every exporter (BACI)')
    flow = serializers.CharField()
    year = serializers.IntegerField()
    month = serializers.IntegerField(help_text='0 for a whole year')
    classification = serializers.CharField()
    label = serializers.CharField()
    problems = serializers.ListField(child=serializers.CharField())


def missing_slices_field() -> MissingSliceSerializer:
    """The slices the answer's figures leave out: empty when the store is whole. A figure that
    needs one of them is null rather than smaller."""
    return MissingSliceSerializer(
        many=True,
        help_text='slices left out because their files are missing or damaged; figures needing them are null',
    )


class YearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    exports, imports, turnover = flow_totals('USD')
    balance = serializers.FloatField(allow_null=True)
    coverage = serializers.FloatField(allow_null=True, help_text='exports / imports')
    exports_growth, imports_growth, turnover_growth = flow_growth()


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
    gap_usd, gap_pct, symmetric_gap = mirror_gap()
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
    data_status = data_status_field()


class MonitorSerializer(serializers.Serializer):
    reporter = serializers.CharField()
    partner = serializers.CharField()
    source, source_label, classification = provenance('dataset key of the yearly series')
    data_status = data_status_field()
    cagr = serializers.FloatField(allow_null=True, help_text='compound annual growth of turnover over the series')
    years = YearSerializer(many=True)
    share = ShareSerializer(many=True, help_text="the partner's share of the reporter's trade with all partners")
    mirror = MirrorSerializer(many=True, help_text="both sides' reports of the same flow, where both exist")
    concentration = ConcentrationSerializer(
        many=True, help_text="HHI of the pair's products (latest product year) and of the reporter's partners"
    )
    missing_slices = missing_slices_field()


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
    years = years_field()
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
    years = years_field()
    rows = ProductRowSerializer(many=True)
    missing_slices = missing_slices_field()

    def get_data_status(self, level) -> str:
        """ "illustrative" when the only product data are generated, "official" otherwise."""
        return 'illustrative' if level.illustrative else 'official'


class PartnerRowSerializer(serializers.Serializer):
    partner = serializers.CharField(help_text='ISO alpha-3; _OT = other countries (not itemised)')
    name = serializers.CharField(help_text='in the language of the request')
    rank = serializers.IntegerField(allow_null=True, help_text='by turnover; other countries have none')
    exports, imports, turnover = flow_totals('USD')
    balance = serializers.FloatField(allow_null=True)
    share = serializers.FloatField(allow_null=True, help_text="of the reporter's turnover with the world")
    exports_growth, imports_growth, turnover_growth = flow_growth('on the year before')


class WorldSerializer(serializers.Serializer):
    exports, imports, turnover = flow_totals()


class PartnersSerializer(serializers.Serializer):
    reporter = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    years = years_field()
    source, source_label, classification = provenance()
    data_status = data_status_field()
    world = WorldSerializer(allow_null=True, help_text='WLD rows where the source has them, else the sum of partners')
    partners = PartnerRowSerializer(many=True)
    missing_slices = missing_slices_field()


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
    source, source_label, classification = provenance('world product data (every exporter), e.g. baci')
    data_status = serializers.CharField(help_text='"official", or "no data" when no world product data are loaded')
    years = years_field()
    year = serializers.IntegerField(allow_null=True)
    complementarity = ComplementaritySerializer(many=True, help_text='both directions, every year')
    rows = RcaRowSerializer(many=True, help_text='RCA ≥ 1 first, each group by export value')
    missing_slices = missing_slices_field()


class MirrorProductRowSerializer(serializers.Serializer):
    code = serializers.CharField(help_text='HS chapter or heading')
    description = serializers.CharField()
    imports_usd, exports_usd, exports_cif_usd = mirror_reports(MIRROR_REPORTS_HELP)
    gap_usd, gap_pct, symmetric_gap = mirror_gap()


class MirrorTotalsSerializer(serializers.Serializer):
    imports_usd, exports_usd, exports_cif_usd = mirror_reports()
    gap_usd, gap_pct, symmetric_gap = mirror_gap()


class MirrorProductsSerializer(serializers.Serializer):
    importer = serializers.CharField()
    exporter = serializers.CharField()
    digits = serializers.IntegerField()
    years = years_field()
    year = serializers.IntegerField(allow_null=True)
    classification = serializers.CharField(allow_null=True)
    imports_source = serializers.CharField(allow_null=True)
    exports_source = serializers.CharField(allow_null=True)
    cif_fob_factor = serializers.FloatField()
    totals = MirrorTotalsSerializer(allow_null=True, help_text='the sums of the rows')
    rows = MirrorProductRowSerializer(many=True, help_text='largest absolute gap first')
    mirror = MirrorSerializer(many=True, help_text="both sides' total reports, as in /api/trade/monitor/")
    missing_slices = missing_slices_field()
