"""Matching organization names across scripts and spellings.

"Oʻzbekiston temir yoʻllari", "O'zbekiston Temir Yo'llari" and "Ўзбекистон темир йўллари" are
one organization: names are compared after case folding, transliterating Cyrillic to Latin
(Uzbek conventions), dropping apostrophes of every kind and punctuation, and collapsing spaces.
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


def normalize_name(name: str) -> str:
    text = unicodedata.normalize('NFKC', name).casefold()
    text = ''.join(CYRILLIC_TO_LATIN.get(char, char) for char in text)
    text = ''.join(char for char in text if char not in APOSTROPHES)
    text = PUNCTUATION.sub(' ', text)
    return SPACES.sub(' ', text).strip()


def organization_keys(organization) -> set[str]:
    names = [organization.name_en, organization.name_ru, organization.name_zh, organization.name_uz]
    names += [alias.name for alias in organization.aliases.all()]
    return {normalize_name(name) for name in names if name}


def organizations_named(names: list[str], exclude: int | None = None):
    """Organizations that have one of `names` (normalized) as a name or an alias."""
    from portfolio.models import Organization

    wanted = {normalize_name(name) for name in names if name.strip()}
    candidates = Organization.objects.prefetch_related('aliases')
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude)
    return [organization for organization in candidates if organization_keys(organization) & wanted]
