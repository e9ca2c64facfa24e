"""The read-only endpoints of sources and announced figures through the shared API cases
(hamkor.testing.api_cases): sources and claims are public; a source's citations are listed, and
counted, only for the records the reader may see."""

import datetime

from core.choices import Side
from core.models import Country
from hamkor.permissions import SYSTEM
from hamkor.testing.api_cases import ReadOnlyAPICases, Restricted
from organizations.services import create_organization
from portfolio.choices import Visibility
from portfolio.services import create_project
from sources import services
from sources.models import Citation, Claim

UZ_ANALYST, CN_ANALYST = ('uz-analyst', Side.UZBEKISTAN), ('cn-analyst', Side.CHINA)
READERS = ('anonymous', 'norole', 'applicant', UZ_ANALYST, CN_ANALYST, 'secretariat')
# How answers name the type of a cited record (the types registered as citable).
RECORD_TYPES = {'portfolio.Project': 'project', 'organizations.Organization': 'organization'}
METRICS = [Claim.Metric.PORTFOLIO_VALUE, Claim.Metric.TRADE_TURNOVER, Claim.Metric.TRADE_TARGET]


def claim_shown(claim: Claim) -> dict:
    claim = Claim.objects.get(pk=claim.pk)  # the stored value, with its two decimals
    fields = ('metric', 'comparator', 'period', 'quote', 'confidence')
    return {'id': claim.pk, **{name: getattr(claim, name) for name in fields}, 'value_usd': str(claim.value_usd)}


def make_source(key: str, title: str, number: int = 1):
    return services.create_source(
        actor=SYSTEM, key=key, title=title, kind='press', publisher=f'Agency {number}',
        published_on=datetime.date(2024, 1, number % 28 + 1), date_text=f'Tashkent, January {number}',
        text=f'The text of report {number}.',
    )  # fmt: skip


def make_claim(source, number: int):
    return services.create_claim(
        actor=SYSTEM, source=source, metric=METRICS[(number - 1) % len(METRICS)], comparator='gt',
        value_usd=number * 1_000_000, period=f'{2000 + number}', quote=f'more than {number} million',
        confidence='medium',
    )  # fmt: skip


class TestSourceAPI(ReadOnlyAPICases):
    basename = 'source'
    model = 'sources.Source'
    lookup = identity = 'key'
    readers = READERS

    def make(self, number):
        """A source with an announced figure, citing a public project and an organization."""
        source = make_source(f'source-{number}', f'Source {number}', number)
        make_claim(source, number)
        project = create_project(actor=SYSTEM, identifier=f'P-S{number}', title_en=f'Cited project {number}')
        bank = create_organization(
            actor=SYSTEM, name_en=f'Cited bank {number}', kind='bank', country=Country.objects.get(iso3='CHN')
        )
        for record in (project, bank):
            services.add_citation(record=record, source=source, locator=f'page {number}', confidence='low',
                                  actor=SYSTEM)  # fmt: skip
        return source

    def shown(self, source):
        claims = [claim_shown(claim) for claim in Claim.objects.filter(source=source)]
        citations = [
            {
                'record_type': RECORD_TYPES[citation.content_type.model_class()._meta.label],
                'record_id': int(citation.object_id),
                'record': str(citation.record),
                'locator': citation.locator,
                'confidence': citation.confidence,
            }
            for citation in Citation.objects.filter(source=source).order_by('pk')
        ]
        return {
            **{name: getattr(source, name) for name in ('key', 'title', 'kind', 'publisher', 'date_text', 'text')},
            'published_on': source.published_on.isoformat(),
            'claim_count': len(claims),
            'claims': claims,
            'citation_count': len(citations),
            'citations': citations,
        }

    def make_restricted(self):
        """One source citing a record of every visibility and an organization (the registry is public)."""
        source = make_source('cited', 'Cited everywhere')
        projects = {
            visibility: create_project(
                actor=SYSTEM, identifier=f'P-SENTINEL-{visibility}', title_en=f'Sentinel {visibility} plant',
                visibility=visibility,
            )
            for visibility in Visibility.values
        }  # fmt: skip
        bank = create_organization(actor=SYSTEM, name_en='China Development Bank', kind='bank',
                                   country=Country.objects.get(iso3='CHN'))  # fmt: skip
        for record in (*projects.values(), bank):
            services.add_citation(record=record, source=source, locator=f'paragraph on {record}', confidence='medium',
                                  actor=SYSTEM)  # fmt: skip
        # Who sees projects of which visibility (docs/portfolio-aggregation.md, "Who sees what").
        sees = {
            'anonymous': {Visibility.PUBLIC},
            'norole': {Visibility.PUBLIC},
            'applicant': {Visibility.PUBLIC},
            UZ_ANALYST: {Visibility.PUBLIC, Visibility.PARTNERS, Visibility.UZBEKISTAN},
            CN_ANALYST: {Visibility.PUBLIC, Visibility.PARTNERS, Visibility.CHINA},
        }
        cited = len(projects) + 1
        return [
            Restricted(
                reader=reader,
                insider='secretariat',
                texts=tuple(
                    text
                    for visibility, project in projects.items()
                    if visibility not in visible
                    for text in (project.identifier, project.title_en, f'paragraph on {project}')
                ),
                counts={
                    (source, 'citation_count'): (len(visible) + 1, cited),
                    (source, 'citations'): (len(visible) + 1, cited),
                },
            )
            for reader, visible in sees.items()
        ]


class TestClaimAPI(ReadOnlyAPICases):
    basename = 'claim'
    model = 'sources.Claim'
    readers = READERS
    # Claims are listed by metric, then by the title of their source (see make for the metrics).
    filters = (
        ({}, [1, 3, 2]),
        ({'metric': 'trade_target'}, [3]),
        ({'source': 'claim-source-2'}, [2]),
        ({'source': 'other'}, []),
    )

    def make(self, number):
        return make_claim(make_source(f'claim-source-{number}', f'Claim source {number}', number), number)

    def shown(self, claim):
        return {**claim_shown(claim), 'source': claim.source.key}
