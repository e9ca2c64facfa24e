"""Matching organization names across scripts and spellings.

"Oʻzbekiston temir yoʻllari", "O'zbekiston Temir Yo'llari" and "Ўзбекистон темир йўллари" are
one organization: names are compared after case folding, transliterating Cyrillic to Latin
(Uzbek conventions), dropping apostrophes of every kind and punctuation, and collapsing spaces.

The normalized key of every name and alias of an organization is stored (OrganizationNameKey,
kept by organizations.services), so that finding the organizations that have a name is one
indexed query, however many organizations there are (selectors.organizations_named).
"""

import re
import unicodedata

CYRILLIC_TO_LATIN = {
    'а': 'a', 'б': 'b', 'в': 'v', 'г': 'g', 'ғ': 'g', 'д': 'd', 'е': 'e', 'ё': 'yo', 'ж': 'j', 'з': 'z',
    'и': 'i', 'й': 'y', 'к': 'k', 'қ': 'q', 'л': 'l', 'м': 'm', 'н': 'n', 'о': 'o', 'ў': 'o', 'п': 'p',
    'р': 'r', 'с': 's', 'т': 't', 'у': 'u', 'ф': 'f', 'х': 'x', 'ҳ': 'h', 'ц': 'ts', 'ч': 'ch', 'ш': 'sh',
    'щ': 'sh', 'ъ': '', 'ы': 'i', 'ь': '', 'э': 'e', 'ю': 'yu', 'я': 'ya',
}  # fmt: skip
APOSTROPHES = "'ʻʼ‘’`´"
PUNCTUATION = re.compile(r'[^\w\s]', re.UNICODE)
SPACES = re.compile(r'\s+')
NAME_FIELDS = ('name_en', 'name_ru', 'name_zh', 'name_uz')


def normalize_name(name: str) -> str:
    text = unicodedata.normalize('NFKC', name).casefold()
    text = ''.join(CYRILLIC_TO_LATIN.get(char, char) for char in text)
    text = ''.join(char for char in text if char not in APOSTROPHES)
    text = PUNCTUATION.sub(' ', text)
    return SPACES.sub(' ', text).strip()


def name_keys(names) -> set[str]:
    """The normalized keys of the non-empty `names`.

    (A name of punctuation only has the key '', as it always had: two such names are duplicates.)"""
    return {normalize_name(name) for name in names if name}


def organization_keys(organization) -> set[str]:
    """The keys of an organization's names and stored aliases, computed from the record."""
    names = [getattr(organization, column) for column in NAME_FIELDS]
    names += [alias.name for alias in organization.aliases.all()]
    return name_keys(names)
