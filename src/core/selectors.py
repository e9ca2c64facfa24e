"""Reads of reference data shaped for pages and the API."""

from dataclasses import dataclass

from django.db.models import Count

from core.models import Codelist, CodelistItem, Country, ExchangeRate, HSCode, ReferenceDataset

SECTOR = 'Sector'
SECTOR_CATEGORY = 'SectorCategory'


def sectors():
    return CodelistItem.objects.filter(codelist__name=SECTOR)


def sector_categories() -> dict[str, str]:
    return dict(CodelistItem.objects.filter(codelist__name=SECTOR_CATEGORY).values_list('code', 'name_en'))


def hs_lineage(code: HSCode) -> list[HSCode]:
    """The chapter and heading above a code, outermost first, in one query."""
    ancestors = {item.code: item for item in HSCode.objects.filter(edition=code.edition, code__in=code.ancestor_codes)}
    return [ancestors[ancestor] for ancestor in code.ancestor_codes]


def rate_series(currency: str, frequency: str) -> list[dict]:
    return [
        {'month': start.isoformat(), 'rate': float(value), 'currency': currency}
        for start, value in ExchangeRate.objects.filter(currency_id=currency, frequency=frequency)
        .order_by('period_start')
        .values_list('period_start', 'per_usd')
    ]


@dataclass(frozen=True)
class ReferenceSummary:
    countries: int
    currencies: int
    hs_codes: dict[str, int]
    codelists: int
    sectors: int
    rates: int
    datasets: list[ReferenceDataset]


def reference_summary() -> ReferenceSummary:
    return ReferenceSummary(
        countries=Country.objects.count(),
        currencies=ExchangeRate.objects.values('currency').distinct().count(),
        hs_codes=dict(HSCode.objects.values_list('edition').annotate(n=Count('id')).order_by('edition')),
        codelists=Codelist.objects.count(),
        sectors=sectors().count(),
        rates=ExchangeRate.objects.count(),
        datasets=list(ReferenceDataset.objects.all()),
    )


def latest_rate(currency: str) -> ExchangeRate | None:
    return (
        ExchangeRate.objects.filter(currency_id=currency)
        .select_related('dataset')
        .order_by('-period_start', 'frequency')
        .first()
    )
