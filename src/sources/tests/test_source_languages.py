"""A source's title, publisher and date as the document gives them, in its own language, and
their translations: a reader sees their language's where it is recorded, otherwise the text as
written, marked with its language; the API gives all of them."""

import pytest

from hamkor.permissions import SYSTEM
from sources import services

pytestmark = pytest.mark.django_db


def marked(text: str, language: str) -> str:
    """How a Russian page marks a text shown as written in `language`."""
    title = 'Не переведено на ваш язык: показано в оригинале'
    return f'<span class="fallback-text" lang="{language}" data-language="{language}" title="{title}">{text}</span>'


def test_a_reader_sees_the_translation_of_their_language_or_the_text_as_written(client, report):
    services.update_source(source=report, actor=SYSTEM, title_ru='Портфель превышает 60 млрд долларов')
    client.cookies['django_language'] = 'ru'
    page = client.get('/sources/press-report/').content.decode()

    assert '<h1>Портфель превышает 60 млрд долларов</h1>' in page
    assert '<title>Портфель превышает 60 млрд долларов · Hamkor</title>' in page
    assert marked('Trend News Agency', 'en') in page  # no Russian publisher recorded: as written, marked
    # the document's own words are in its language: its text and the quotes of its figures
    assert '<div class="small" lang="en"><p>The portfolio of joint projects now exceeds $60 billion.</p></div>' in page
    assert '<td class="small cell-wide" lang="en">“now exceeds $60 billion”</td>' in page
    client.cookies['django_language'] = 'en'
    page = client.get('/sources/press-report/').content.decode()
    assert '<h1>Portfolio exceeds $60 billion</h1>' in page and 'fallback-text' not in page


def test_a_document_in_russian_reads_as_written_in_russian_and_marked_in_english(client):
    services.create_source(actor=SYSTEM, key='uza', language='ru', title='Товарооборот вырос', kind='press',
                           publisher='УзА', title_en='Trade turnover grew')  # fmt: skip
    client.cookies['django_language'] = 'ru'
    page = client.get('/sources/uza/').content.decode()
    assert '<h1>Товарооборот вырос</h1>' in page and 'fallback-text' not in page
    client.cookies['django_language'] = 'en'
    page = client.get('/sources/uza/').content.decode()
    assert '<h1>Trade turnover grew</h1>' in page
    assert 'lang="ru" data-language="ru"' in page and '>УзА</span>' in page  # the publisher, as written


def test_the_api_gives_the_text_as_written_and_every_translation(client, report):
    services.update_source(source=report, actor=SYSTEM, title_zh='项目组合超过600亿美元')
    row = client.get('/api/sources/press-report/').json()
    assert (row['language'], row['title'], row['title_zh'], row['title_ru']) == (
        'en', 'Portfolio exceeds $60 billion', '项目组合超过600亿美元', ''
    )  # fmt: skip
