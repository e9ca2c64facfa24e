import subprocess
from pathlib import Path

import pytest
from django.conf import settings

LOCALES = ('uz', 'ru', 'zh_Hans')
NAVIGATION = {  # what a reader who is not signed in finds: only the modules that exist
    'en': ['Dashboard', 'Portfolio', 'Organizations', 'Trade', 'Trade data', 'Reference data'],
    'uz': ['Bosh sahifa', 'Loyihalar portfeli', 'Tashkilotlar', 'Savdo', 'Savdo maʼlumotlari', 'Maʼlumotnomalar'],
    'ru': ['Обзор', 'Портфель проектов', 'Организации', 'Торговля', 'Торговые данные', 'Справочные данные'],
    'zh-hans': ['仪表板', '项目组合', '机构', '贸易', '贸易数据', '参考数据'],
}  # fmt: skip


def catalog(locale: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / locale / 'LC_MESSAGES' / 'django.po'


@pytest.mark.django_db
@pytest.mark.parametrize('language', NAVIGATION)
def test_navigation_in_each_language(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = client.get('/')

    items = [str(item.label) for item in response.context['navigation']]
    assert items == NAVIGATION[language]
    assert f'<html lang="{language}">' in response.content.decode()


@pytest.mark.django_db
def test_switching_language_keeps_the_page(client):
    response = client.post('/i18n/setlang/', {'language': 'ru', 'next': '/reference/hs/'})

    assert response['Location'] == '/reference/hs/'
    assert 'Номенклатура' in client.get('/reference/hs/').content.decode()


@pytest.mark.parametrize('locale', LOCALES)
def test_every_message_is_translated(locale):
    untranslated = subprocess.run(
        ['msgattrib', '--untranslated', '--no-obsolete', str(catalog(locale))],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    fuzzy = subprocess.run(
        ['msgattrib', '--only-fuzzy', str(catalog(locale))], capture_output=True, text=True, check=True
    ).stdout

    assert (untranslated, fuzzy) == ('', '')


@pytest.mark.parametrize('locale', LOCALES)
def test_compiled_catalogs_match_their_sources(locale, tmp_path):
    compiled = tmp_path / 'django.mo'
    subprocess.run(['msgfmt', '--check-format', '-o', str(compiled), str(catalog(locale))], check=True)

    assert compiled.read_bytes() == catalog(locale).with_suffix('.mo').read_bytes(), 'run: make messages'


def msgids(path: Path) -> set[str]:
    result = subprocess.run(
        ['msgcat', '--no-wrap', '--no-location', str(path)], capture_output=True, text=True, check=True
    )
    ids, current = set(), None
    for line in result.stdout.splitlines():
        if line.startswith('msgid '):
            current = line[6:]
        elif line.startswith(('msgid_plural', 'msgstr')):
            if current not in (None, '""'):
                ids.add(current)
            current = None
    return ids


def test_catalogues_hold_every_string_of_the_source(tmp_path):
    """A string marked for translation but missing from the catalogues would show in English."""
    import shutil
    import sys

    copy = tmp_path / 'src'
    shutil.copytree(settings.SRC_DIR, copy, ignore=shutil.ignore_patterns('__pycache__', '*.mo'))
    subprocess.run(
        [sys.executable, '-m', 'django', 'makemessages', '-l', 'ru', '--no-obsolete', '--no-location'],
        cwd=copy,
        env={'PYTHONPATH': str(copy), 'DJANGO_SETTINGS_MODULE': 'hamkor.settings', 'HAMKOR_DATA_DIR': str(tmp_path),
             'PATH': '/usr/bin:/bin'},
        capture_output=True,
        check=True,
    )  # fmt: skip

    assert msgids(copy / 'locale/ru/LC_MESSAGES/django.po') == msgids(catalog('ru')), 'run: make messages'


NBSP = '\xa0'  # CLDR's group separator and space before the unit in Russian and Uzbek


@pytest.mark.parametrize(
    ('language', 'expected'),
    [
        ('en', ['$60 billion', '$1.33 billion', '$450 million', '$950,001', '$9,000']),
        # Chinese writes large money in 亿 (10⁸) and 万 (10⁴) of 美元
        ('zh-hans', ['600亿美元', '13.26亿美元', '4.5亿美元', '$950,001', '$9,000']),
        ('ru', [f'60{NBSP}млрд{NBSP}$', f'1,33{NBSP}млрд{NBSP}$', f'450{NBSP}млн{NBSP}$', f'950{NBSP}001{NBSP}$',
                f'9{NBSP}000{NBSP}$']),
        ('uz', [f'60{NBSP}mlrd{NBSP}$', f'1,33{NBSP}mlrd{NBSP}$', f'450{NBSP}mln{NBSP}$', f'950{NBSP}001{NBSP}$',
                f'9{NBSP}000{NBSP}$']),
    ],
)  # fmt: skip
def test_large_amounts_are_written_as_each_language_writes_them(language, expected):
    from decimal import Decimal

    from django.utils import translation

    from hamkor.templatetags.hamkor import usd_short

    amounts = ('60000000000', '1325510949.28', '450000000', '950000.50', '8999.5')
    with translation.override(language):
        assert [usd_short(Decimal(v)) for v in amounts] == expected


@pytest.mark.parametrize(
    ('language', 'expected'),
    [
        ('en', '$1,325,510,949.28'),
        ('zh-hans', '$1,325,510,949.28'),
        ('ru', f'1{NBSP}325{NBSP}510{NBSP}949,28{NBSP}$'),
        ('uz', f'1{NBSP}325{NBSP}510{NBSP}949,28{NBSP}$'),
    ],
)
def test_amounts_are_grouped_in_every_language(language, expected):
    from decimal import Decimal

    from django.utils import translation

    from hamkor.templatetags.hamkor import usd

    with translation.override(language):
        assert usd(Decimal('1325510949.28')) == expected


@pytest.mark.parametrize(
    ('language', 'shares'),
    [
        ('en', ['13.1%', '9.7%', '−6.3%', '0.1%']),
        ('ru', [f'13,1{NBSP}%', f'9,7{NBSP}%', f'−6,3{NBSP}%', f'0,1{NBSP}%']),
    ],
)
def test_negative_amounts_carry_one_minus_sign_and_shares_are_rounded(language, shares):
    from decimal import Decimal

    from django.utils import translation

    from hamkor.templatetags.hamkor import count, percent, usd, usd_short

    with translation.override(language):
        assert [percent(Decimal(v)) for v in ('0.13096', '0.09670', '-0.06347', '0.0005')] == shares
        assert '-' not in usd_short(Decimal('-8850000000')) + usd(Decimal('-1234.5'))  # U+2212, not a hyphen
        assert count(1234567) == ('1,234,567' if language == 'en' else f'1{NBSP}234{NBSP}567')
    with translation.override('en'):
        assert usd_short(Decimal('-8850000000')) == '−$8.85 billion'
        assert usd(Decimal('-1234.5')) == '−$1,234.50'
        assert [percent(value) for value in (float('inf'), float('nan'), None)] == ['—', '—', '—']  # no ratio
