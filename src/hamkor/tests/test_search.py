"""Search finds words in any case in every script, and takes any of the characters written for
the Uzbek apostrophe for any other (hamkor.search), on SQLite and PostgreSQL alike."""

import pytest

from hamkor.permissions import SYSTEM
from hamkor.search import APOSTROPHES, fold
from organizations import services
from organizations.models import Organization

pytestmark = pytest.mark.django_db

NAMES = {
    'railway': {
        'name_en': 'Uzbek Railways',
        'name_ru': 'Узбекские железные дороги',
        'name_uz': 'Oʻzbekiston temir yoʻllari',
    },
    'bank': {'name_en': 'Bank of China', 'name_zh': '中国银行'},
    'percent': {'name_en': 'Fund 100% Green_Line'},
}


@pytest.fixture
def organizations(uzbekistan):
    return {
        key: services.create_organization(actor=SYSTEM, kind='other', country=uzbekistan, **names).pk
        for key, names in NAMES.items()
    }


def found(organizations, text: str) -> list[str]:
    keys = {pk: key for key, pk in organizations.items()}
    return sorted(keys[pk] for pk in Organization.objects.search(text).values_list('pk', flat=True))


@pytest.mark.parametrize('text', ['железные', 'ЖЕЛЕЗНЫЕ', 'Железные Дороги', 'узбекские'])
def test_cyrillic_words_are_found_in_any_case(organizations, text):
    assert found(organizations, text) == ['railway']


@pytest.mark.parametrize('apostrophe', ["'", *APOSTROPHES])
def test_each_uzbek_apostrophe_finds_the_others(organizations, apostrophe):
    assert found(organizations, f'O{apostrophe}zbekiston yo{apostrophe}llari') == ['railway']
    assert found(organizations, f'o{apostrophe}ZBEKISTON') == ['railway']


def test_chinese_and_latin_words_are_still_found(organizations):
    assert (found(organizations, '中国'), found(organizations, 'china'), found(organizations, 'RAILWAYS')) == (
        ['bank'],
        ['bank'],
        ['railway'],
    )


def test_like_wildcards_in_the_text_are_letters_not_patterns(organizations):
    assert found(organizations, '%') == ['percent']
    assert found(organizations, 'Fund_100') == []  # "_" is not "any one character" (the name has a space)
    assert found(organizations, 'n_L') == ['percent']
    assert found(organizations, 'Green_Line') == ['percent']


def test_fold_makes_the_apostrophes_one_and_the_letters_lower_case():
    assert fold('Oʻzbekiston GʼALLA ЖЕЛЕЗНАЯ') == "o'zbekiston g'alla железная"
    assert fold(None) is None
