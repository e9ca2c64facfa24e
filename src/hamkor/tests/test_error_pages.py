"""Pages that answer 404, 403 and 500 are in the shell (or, for a 500, as near it as a page without
the database can be), in the reader's language, with a way back."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(('language', 'title'), [('en', 'Page not found'), ('ru', 'Страница не найдена')])
def test_a_missing_page_answers_in_the_shell_in_the_readers_language(client, language, title):
    client.cookies['django_language'] = language

    response = client.get('/portfolio/projects/999999/')
    page = response.content.decode()

    assert response.status_code == 404
    assert f'<h1>{title}</h1>' in page
    assert 'class="mainnav"' in page and 'href="/"' in page


def test_a_page_the_user_may_not_use_answers_403_in_the_shell(client_as):
    response = client_as('uz-analyst').get('/portfolio/projects/new/')

    assert response.status_code == 403
    assert '<h1>Not allowed</h1>' in response.content.decode()


def test_the_server_error_page_needs_no_request_and_speaks_the_active_language():
    with translation.override('zh-hans'):
        page = render_to_string('500.html')

    assert '<h1>出错了</h1>' in page and 'href="/"' in page
