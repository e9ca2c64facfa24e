"""Response headers (Content-Security-Policy, Permissions-Policy and Django's own), the templates
the policy must not break, and a refused request logged as one line."""

import base64
import hashlib
import logging
import re
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.authtoken.models import Token

from hamkor.security import OneLineForbidden, script_sources

pytestmark = pytest.mark.django_db

SUBMIT_HANDLER = 'this.form.submit()'
# base64(sha256("this.form.submit()")): an inline handler as the policy would allow it by hash.
SUBMIT_HASH = "'sha256-osjxnKEPL/pQJbFk1dKsF7PYFmTyMWGmVSiL9inhxJY='"
POLICY = (
    "default-src 'self'; "
    "script-src 'self'; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PERMISSIONS = (
    'accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), geolocation=(), '
    'gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), publickey-credentials-get=(), '
    'screen-wake-lock=(), serial=(), usb=(), xr-spatial-tracking=()'
)
HEADERS = (
    'Content-Security-Policy',
    'Permissions-Policy',
    'Referrer-Policy',
    'X-Content-Type-Options',
    'X-Frame-Options',
    'Cross-Origin-Opener-Policy',
)


def test_an_inline_handler_listed_in_the_settings_is_allowed_by_the_sha256_of_its_text():
    digest = base64.b64encode(hashlib.sha256(SUBMIT_HANDLER.encode()).digest()).decode()
    assert f"'sha256-{digest}'" == SUBMIT_HASH
    assert script_sources({'script-src': ["'self'"]}, [SUBMIT_HANDLER]) == {
        'script-src': ["'self'", "'unsafe-hashes'", SUBMIT_HASH]
    }


@pytest.mark.parametrize('path', ['/', '/accounts/login/', '/api/reference/currencies/', '/no-such-page/'])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)

    assert {name: response.headers.get(name) for name in HEADERS} == {
        'Content-Security-Policy': POLICY,
        'Permissions-Policy': PERMISSIONS,
        'Referrer-Policy': 'same-origin',
        'X-Content-Type-Options': 'nosniff',
        'X-Frame-Options': 'DENY',
        'Cross-Origin-Opener-Policy': 'same-origin',
    }


def test_the_api_documentation_runs_under_the_common_policy_with_its_script_served_as_a_file(client):
    page = client.get(reverse('api-docs'))
    script = client.get(reverse('api-docs') + '?script=')

    assert page.status_code == 200
    assert page['Content-Security-Policy'] == POLICY
    assert '<script src="/api/docs/?script="' in page.content.decode()
    assert (script.status_code, script['Content-Type'].split(';')[0]) == (200, 'application/javascript')
    assert b'SwaggerUIBundle(' in script.content


# --- the templates must not need what the policy refuses ---------------------------------------

TEMPLATE_DIRS = [settings.SRC_DIR / 'templates', *settings.SRC_DIR.glob('*/templates')]
SCRIPT_TAG = re.compile(r'<script\b([^>]*)>', re.IGNORECASE)
HANDLER = re.compile(r'\s(on[a-z]+)\s*=\s*("([^"]*)"|\'([^\']*)\')', re.IGNORECASE)


def templates() -> list[Path]:
    return sorted(path for directory in TEMPLATE_DIRS for path in directory.rglob('*.html'))


def test_templates_carry_no_inline_script_the_policy_would_refuse():
    inline_scripts, handlers, script_urls = [], [], []
    for path in templates():
        text = path.read_text(encoding='utf-8')
        name = str(path.relative_to(settings.SRC_DIR))
        for attributes in SCRIPT_TAG.findall(text):
            # A script file, or data (type="application/json" is never executed).
            if 'src=' not in attributes and 'type="application/json"' not in attributes:
                inline_scripts.append(name)
        for attribute, _, double, single in HANDLER.findall(text):
            if (double or single) not in settings.HAMKOR_CSP_INLINE_HANDLERS:
                handlers.append(f'{name}: {attribute}="{double or single}"')
        if re.search(r'javascript:', text, re.IGNORECASE) or 'hx-on' in text:
            script_urls.append(name)

    assert (inline_scripts, handlers, script_urls) == ([], [], [])
    assert len(templates()) > 50  # the scan did find the templates


def test_base_template_submits_the_language_form_from_the_static_script(client):
    page = client.get('/').content.decode()

    assert '<select id="language-select" name="language" data-autosubmit>' in page
    assert '/static/hamkor/page.js' in page
    assert 'onchange' not in page[: page.index('</header>')]


# --- a refusal is logged as one line ------------------------------------------------------------


def test_a_refused_request_is_logged_as_one_line_without_a_traceback(client, make_user, caplog):
    user, other = make_user('applicant'), make_user('applicant')
    theirs = Token.objects.create(user=other)
    client.force_login(user)

    with caplog.at_level(logging.WARNING, logger='django.request'):
        response = client.post(reverse('accounts:rotate_token'), {'action': 'revoke', 'token': theirs.key})

    assert response.status_code == 403
    [record] = [record for record in caplog.records if record.name == 'django.request']
    assert (record.getMessage(), record.exc_info, record.exc_text) == (
        'Forbidden (Permission denied): /accounts/profile/token/',
        None,
        None,
    )
    assert '\n' not in logging.Formatter().format(record)


def test_other_errors_keep_their_traceback():
    try:
        raise RuntimeError('boom')
    except RuntimeError:
        exc_info = sys.exc_info()
    record = logging.LogRecord('django.request', logging.ERROR, __file__, 1, 'Internal Server Error: /', (), exc_info)
    record.status_code = 500

    assert OneLineForbidden().filter(record) is True
    assert record.exc_info == exc_info
    assert 'RuntimeError: boom' in logging.Formatter().format(record)
