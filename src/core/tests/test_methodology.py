"""The methodology pages: the documents of docs/ in the reader's language where they are
translated, otherwise in English with a marker; a document's raw HTML is never rendered."""

import pytest
from django.conf import settings

from core.methodology import DOCUMENTS, _render

pytestmark = pytest.mark.django_db
LANGUAGES = ('ru', 'zh-hans', 'uz')


def heading(language: str, slug: str = 'portfolio-aggregation') -> str:
    name = f'{slug}.md' if language == 'en' else f'{slug}.{language}.md'
    first = (settings.PROJECT_DIR / 'docs' / name).read_text(encoding='utf-8').splitlines()[0]
    return first.removeprefix('# ')


def test_the_aggregation_rules_read_in_each_language(client):
    page = client.get('/reference/methodology/portfolio-aggregation/').content.decode()
    assert f'<h1>{heading("en")}</h1>' in page and 'id="fallback-marker"' not in page
    assert '<table>' in page  # the counting table of the document, as a table
    for language in LANGUAGES:
        client.cookies['django_language'] = language
        page = client.get('/reference/methodology/portfolio-aggregation/').content.decode()
        assert f'<h1>{heading(language)}</h1>' in page, language
        assert 'id="fallback-marker"' not in page and f'lang="{language}"' in page


def test_a_document_without_a_translation_is_shown_in_english_with_a_marker(client):
    client.cookies['django_language'] = 'ru'
    page = client.get('/reference/methodology/trade-monitor/').content.decode()
    assert f'<h1>{heading("en", "trade-monitor")}</h1>' in page
    assert 'id="fallback-marker"' in page and 'показан на английском языке' in page


def test_only_published_documents_are_pages(client):
    assert set(DOCUMENTS) == {'portfolio-aggregation', 'trade-monitor'}
    assert client.get('/reference/methodology/deployment/').status_code == 404


def test_raw_html_in_a_document_is_shown_as_text(tmp_path):
    path = tmp_path / 'doc.md'
    path.write_text('# Title\n\n<script>alert(1)</script>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n', encoding='utf-8')
    html = _render(str(path), 1)
    assert '<script>' not in html and '&lt;script&gt;' in html
    assert '<td>1</td>' in html


def test_the_dashboards_link_to_their_rules(client):
    assert 'href="/reference/methodology/portfolio-aggregation/"' in client.get('/portfolio/').content.decode()
