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


def check_new_names_are_free(organization, aliases: list[str] | None = None) -> None:
    """Refuse names or aliases an update gives `organization` that another organization already has.

    The rule of services.create_organization, applied on update to the names the update adds
    (compared with the stored record): a rename cannot make a second record of an organization.
    Names it already had are not re-checked, so that an organization created as a deliberate
    duplicate can still be edited. `aliases` None: the aliases stay as stored.
    """
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from portfolio.models import Organization

    stored = Organization.objects.prefetch_related('aliases').filter(pk=organization.pk).first()
    before = organization_keys(stored) if stored is not None else set()
    names = [organization.name_en, organization.name_ru, organization.name_zh, organization.name_uz]
    names += list(aliases) if aliases is not None else [alias.name for alias in stored.aliases.all()] if stored else []
    added = [name for name in names if name and name.strip() and normalize_name(name) not in before]
    duplicates = organizations_named(added, exclude=organization.pk) if added else []
    if duplicates:
        raise ValidationError(
            {
                'name_en': _('An organization with this name already exists: %(names)s.')
                % {'names': '; '.join(f'{d.name_en} (#{d.pk})' for d in duplicates)}
            }
        )
