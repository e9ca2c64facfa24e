"""Record data without a translation in the reader's language: the English text, marked as
English on pages, plain in the API and the downloads."""

import pytest

pytestmark = pytest.mark.django_db
MARKED = (
    '<span class="fallback-text" lang="en" data-language="en" title="Не переведено на ваш язык: показано в оригинале">'
    '{}</span>'
)


def test_an_untranslated_title_is_marked_as_english_on_pages_only(client, make_project):
    make_project('UZ-CN-EN', title_en='Seed laboratory')
    make_project('UZ-CN-RU', title_en='Grain terminal', title_ru='Зерновой терминал')
    client.cookies['django_language'] = 'ru'

    page = client.get('/portfolio/projects/').content.decode()
    assert MARKED.format('Seed laboratory') in page
    assert 'Зерновой терминал' in page and MARKED.format('Grain terminal') not in page
    titles = {row['identifier']: row['titles'] for row in client.get('/api/projects/').json()['results']}
    assert titles['UZ-CN-EN'] == {'en': 'Seed laboratory', 'ru': '', 'zh': '', 'uz': ''}  # the API gives all four
    download = b''.join(client.get('/portfolio/projects/export.csv').streaming_content).decode()
    assert 'Seed laboratory' in download and 'fallback-text' not in download
    client.cookies['django_language'] = 'en'
    assert 'fallback-text' not in client.get('/portfolio/projects/').content.decode()


def test_the_title_of_a_page_names_an_untranslated_record_without_markup(client, china):
    from hamkor.permissions import SYSTEM
    from organizations import services

    bank = services.create_organization(actor=SYSTEM, name_en='Silk Road Fund', kind='bank', country=china)
    client.cookies['django_language'] = 'ru'
    page = client.get(bank.get_absolute_url()).content.decode()
    assert '<title>Silk Road Fund · Hamkor</title>' in page  # the tab shows text, never tags
    assert MARKED.format('Silk Road Fund') in page  # the page itself marks it
