"""Pages of sources: list and source page (citations only of records the reader may see), forms
for sources and announced figures, citing a source from a record and removing the citation."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.choices import Side
from core.models import ObjectChange
from hamkor.permissions import SYSTEM
from sources import services
from sources.models import Citation, Claim, Source

pytestmark = pytest.mark.django_db

SOURCE_FORM = {
    'key': 'agreement-2024',
    'language': 'en',
    'title': 'Loan agreement for the Samarkand solar park',
    'kind': 'agreement',
    'publisher': 'Ministry of Investment',
    'published_on': '2024-05-10',
    'date_text': '',
    'text': '',
}
CLAIM_FORM = {
    'metric': 'trade_target',
    'comparator': 'target',
    'value_usd': '20000000000',
    'period': '2030',
    'quote': 'to bring trade to $20 billion',
    'confidence': 'medium',
}


def changes_of(model) -> list[tuple[str, str]]:
    return list(
        ObjectChange.objects.filter(content_type__model=model._meta.model_name)
        .order_by('time', 'id')
        .values_list('action', 'channel')
    )


#
# List and source page: what each reader sees
#


@pytest.mark.parametrize(
    ('role', 'side', 'citations', 'visible', 'hidden'),
    [
        ('anonymous', Side.JOINT, 2, ['Railway', 'China Development Bank'], ['Secret smelter', 'China-side plant']),
        ('uz-analyst', Side.UZBEKISTAN, 2, ['Railway'], ['Secret smelter', 'China-side plant']),
        ('cn-analyst', Side.CHINA, 3, ['Railway', 'China-side plant'], ['Secret smelter']),
        ('secretariat', Side.JOINT, 4, ['Railway', 'China-side plant', 'Secret smelter'], []),
    ],
)
def test_citations_are_listed_and_counted_only_for_records_the_reader_may_see(
    client_as, cited, role, side, citations, visible, hidden
):
    client = client_as(role) if role == 'anonymous' else client_as(role, side=side)

    listing = client.get(reverse('sources:source_list'))
    page = client.get(reverse('sources:source_detail', args=['press-report']))

    assert [(s.title, s.claim_count, s.citation_count) for s in listing.context['sources']] == [
        ('Portfolio exceeds $60 billion', 1, citations)
    ]
    html = page.content.decode()
    assert sum(len(group) for group in page.context['cited'].values()) == citations
    for title in visible:
        assert title in html
    for title in hidden:
        assert title not in html and title not in listing.content.decode()
    assert 'P-SECRET' not in html or role == 'secretariat'


def test_the_source_page_shows_the_text_and_the_announced_figures(client, cited):
    html = client.get(reverse('sources:source_detail', args=['press-report'])).content.decode()

    assert 'The portfolio of joint projects now exceeds $60 billion.' in html
    assert 'Portfolio of joint projects' in html and 'more than' in html and '“now exceeds $60 billion”' in html
    assert 'paragraph on public' in html and 'paragraph on restricted' not in html


def test_an_unknown_source_is_not_found(client, db):
    assert client.get('/sources/no-such-source/').status_code == 404


def test_the_list_runs_a_fixed_number_of_queries(client_as, cited, django_assert_num_queries):
    client = client_as('uz-analyst', side=Side.UZBEKISTAN)
    with django_assert_num_queries(5) as few:
        client.get(reverse('sources:source_list'))
    for number in range(10):
        services.create_source(
            actor=SYSTEM, key=f'source-{number}', title=f'Source {number}', kind='dataset', publisher='X'
        )
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse('sources:source_list'))


#
# Forms for sources and announced figures
#


def test_the_secretariat_creates_and_edits_a_source_and_the_change_log_records_it(client_as, db):
    client = client_as('secretariat')

    created = client.post(reverse('sources:source_create'), SOURCE_FORM)
    edited = client.post(
        reverse('sources:source_edit', args=['agreement-2024']), {**SOURCE_FORM, 'publisher': 'Ministry of Finance'}
    )

    source = Source.objects.get(key='agreement-2024')
    assert created['Location'] == edited['Location'] == '/sources/agreement-2024/'
    assert (source.publisher, source.published_on.isoformat()) == ('Ministry of Finance', '2024-05-10')
    assert changes_of(Source) == [('create', 'web'), ('update', 'web')]


def test_a_source_read_at_an_address_says_when_it_was_read_and_links_it(client_as, db):
    client = client_as('secretariat')
    address = {'url': 'https://example.org/report', 'accessed_on': ''}

    undated = client.post(reverse('sources:source_create'), {**SOURCE_FORM, **address})
    scripted = client.post(
        reverse('sources:source_create'),
        {**SOURCE_FORM, 'url': 'javascript:alert(1)', 'accessed_on': '2026-12-01'},
    )
    created = client.post(reverse('sources:source_create'), {**SOURCE_FORM, **address, 'accessed_on': '2026-12-01'})
    page = client.get(created['Location']).content.decode()

    assert undated.context['form'].errors == {
        '__all__': ['Give the date the address was accessed: what it says may change.']
    }
    assert scripted.context['form'].errors == {'url': ['Enter a valid URL.']}
    assert '<a href="https://example.org/report" rel="noopener noreferrer"' in page
    assert 'accessed 2026-12-01' in page
    assert Source.objects.count() == 1


def test_a_source_without_an_address_says_so(client, report):
    page = client.get(report.get_absolute_url()).content.decode()

    assert 'No address recorded.' in page


def test_a_source_key_that_names_a_page_or_exists_is_refused(client_as, report):
    client = client_as('secretariat')

    reserved = client.post(reverse('sources:source_create'), {**SOURCE_FORM, 'key': 'new'})
    taken = client.post(reverse('sources:source_create'), {**SOURCE_FORM, 'key': 'press-report'})

    assert reserved.context['form'].errors == {'key': ['The key new is reserved; choose another.']}
    assert taken.context['form'].errors == {'key': ['Source with this Key already exists.']}
    assert list(Source.objects.values_list('key', flat=True)) == ['press-report']


def test_the_secretariat_records_and_edits_an_announced_figure(client_as, report):
    client = client_as('secretariat')

    created = client.post(reverse('sources:claim_create', args=['press-report']), CLAIM_FORM)
    claim = Claim.objects.get(metric='trade_target')
    edited = client.post(
        reverse('sources:claim_edit', args=['press-report', claim.pk]), {**CLAIM_FORM, 'value_usd': '21000000000'}
    )

    assert created['Location'] == edited['Location'] == '/sources/press-report/'
    claim.refresh_from_db()
    assert (claim.source, claim.value_usd) == (report, Decimal('21000000000.00'))
    assert changes_of(Claim)[-2:] == [('create', 'web'), ('update', 'web')]


@pytest.mark.parametrize('value', ['0', '-5'])
def test_an_announced_figure_of_zero_or_less_is_refused_and_nothing_is_saved(client_as, report, value):
    client = client_as('secretariat')
    before = ObjectChange.objects.count()

    response = client.post(reverse('sources:claim_create', args=['press-report']), {**CLAIM_FORM, 'value_usd': value})

    assert response.context['form'].errors == {'value_usd': ['An announced figure must be more than 0 USD.']}
    assert Claim.objects.count() == 1
    assert ObjectChange.objects.count() == before


def test_a_claim_is_edited_only_under_its_own_source(client_as, report):
    other = services.create_source(actor=SYSTEM, key='other', title='Other', kind='dataset', publisher='X')
    claim = report.claims.get()

    response = client_as('secretariat').get(reverse('sources:claim_edit', args=[other.key, claim.pk]))

    assert response.status_code == 404


#
# Citing a source from a record
#


def test_the_project_and_organization_pages_link_to_citing_for_the_secretariat_only(client_as, cited):
    project_url = cited['public'].get_absolute_url()
    organization_url = cited['bank'].get_absolute_url()
    analyst = client_as('uz-analyst')
    assert 'id="cite-source"' not in analyst.get(project_url).content.decode()

    secretariat = client_as('secretariat')
    for url, target in (
        (project_url, f'/sources/cite/project/{cited["public"].pk}/'),
        (organization_url, f'/sources/cite/organization/{cited["bank"].pk}/'),
    ):
        assert f'href="{target}"' in secretariat.get(url).content.decode()


def test_the_secretariat_cites_a_source_for_a_project_and_removes_it(client_as, cited):
    project = cited['public']
    client = client_as('secretariat')
    url = reverse('sources:record_citations', args=['project', project.pk])
    report = Source.objects.get()

    added = client.post(url, {'source': report.pk, 'locator': 'third paragraph', 'confidence': 'high'})

    assert added['Location'] == url
    citation = Citation.objects.for_record(project).get(locator='third paragraph')
    assert citation.confidence == 'high'
    page = client.get(url)
    assert [c.locator for c in page.context['citations']] == ['paragraph on public', 'third paragraph']
    assert 'third paragraph' in client.get(project.get_absolute_url()).content.decode()

    removed = client.post(reverse('sources:citation_remove', args=[citation.pk]))

    assert removed['Location'] == url
    assert not Citation.objects.filter(pk=citation.pk).exists()
    history = client.get(url).context['history']
    assert [(change.action, change.channel, change.object_repr) for change in history[:2]] == [
        ('delete', 'web', 'Portfolio exceeds $60 billion: third paragraph'),
        ('create', 'web', 'Portfolio exceeds $60 billion: third paragraph'),
    ]


def test_citing_the_same_passage_twice_is_refused_with_a_clear_message(client_as, cited):
    client = client_as('secretariat')
    url = reverse('sources:record_citations', args=['organization', cited['bank'].pk])
    report = Source.objects.get()

    response = client.post(url, {'source': report.pk, 'locator': 'paragraph on bank', 'confidence': 'low'})

    assert response.context['form'].errors == {
        'locator': ['Portfolio exceeds $60 billion is already cited for this organization at “paragraph on bank”.']
    }
    assert Citation.objects.for_record(cited['bank']).count() == 1


def test_a_citation_needs_a_locator(cited):
    with pytest.raises(ValidationError) as raised:
        services.add_citation(
            record=cited['public'], source=Source.objects.get(), locator='   ', confidence='low', actor=SYSTEM
        )

    assert raised.value.message_dict == {
        'locator': ['Give the locator: the paragraph, page or quotation of the source that supports the record.']
    }


def test_a_record_the_user_may_not_see_cannot_be_cited_or_uncited(client, make_user, cited):
    user = make_user(None)
    user.user_permissions.add(*Permission.objects.filter(codename__in=['add_citation', 'delete_citation']))
    client.force_login(user)
    secret = cited['restricted']
    citation = Citation.objects.for_record(secret).get()

    assert client.get(reverse('sources:record_citations', args=['project', secret.pk])).status_code == 404
    assert client.post(reverse('sources:citation_remove', args=[citation.pk])).status_code == 404
    assert client.get('/sources/cite/budget/1/').status_code == 404
    with pytest.raises(ValidationError) as raised:
        services.add_citation(record=secret, source=Source.objects.get(), locator='p. 2', confidence='low', actor=user)
    assert raised.value.message_dict == {'record': ['The cited record does not exist.']}
    assert Citation.objects.for_record(secret).count() == 1


def test_removing_a_citation_takes_a_post(client_as, cited):
    citation = Citation.objects.for_record(cited['public']).get()

    response = client_as('secretariat').get(reverse('sources:citation_remove', args=[citation.pk]))

    assert response.status_code == 405
    assert Citation.objects.filter(pk=citation.pk).exists()


def test_the_reference_index_links_to_the_sources(client, db):
    assert 'href="/sources/"' in client.get(reverse('core:reference_index')).content.decode()
