"""The IATI 2.03 codelists."""

import hashlib
from pathlib import Path

import defusedxml.ElementTree as ElementTree

from core.models import (
    Codelist,
    CodelistItem,
    ReferenceDataset,
)
from core.reference.loading import (
    DatasetSpec,
    LoadResult,
    ReferenceDataError,
    sha256_of,
    upsert,
)

XML_LANG = '{http://www.w3.org/XML/1998/namespace}lang'


def parse_codelist(path: Path) -> list[dict]:
    try:
        root = ElementTree.parse(path).getroot()
    except ElementTree.ParseError as error:
        raise ReferenceDataError(path, f'line {error.position[0]}', 'xml', str(error)) from None
    items = []
    for index, element in enumerate(root.iter('codelist-item'), start=1):
        where = f'codelist-item #{index}'
        code = (element.findtext('code') or '').strip()
        if not code:
            raise ReferenceDataError(path, where, 'code', 'empty')
        items.append(
            {
                'code': code,
                'name': english_narrative(element.find('name')),
                'description': english_narrative(element.find('description')),
                'category': (element.findtext('category') or '').strip(),
                'withdrawn': element.get('status') == 'withdrawn',
            }
        )
        if not items[-1]['name']:
            raise ReferenceDataError(path, f'{where} ({code})', 'name', 'no English narrative')
    return items


def english_narrative(element) -> str:
    if element is None:
        return ''
    for narrative in element.findall('narrative'):
        if narrative.get(XML_LANG, 'en') == 'en':
            return ' '.join((narrative.text or '').split())
    return ''


CODELISTS = (
    'ActivityStatus',
    'ActivityDateType',
    'TransactionType',
    'OrganisationRole',
    'OrganisationType',
    'FinanceType',
    'FinanceType-category',
    'FlowType',
    'AidType',
    'AidType-category',
    'Sector',
    'SectorCategory',
    'SectorVocabulary',
    'BudgetType',
    'BudgetStatus',
    'RelatedActivityType',
    'DocumentCategory',
    'TiedStatus',
)


def load_codelists(spec: DatasetSpec, path: Path, dataset: ReferenceDataset) -> LoadResult:
    parsed = {}
    for name in CODELISTS:
        file = path / f'{name}.xml'
        root = ElementTree.parse(file).getroot()
        if root.get('name') != name:
            raise ReferenceDataError(file, 'codelist', 'name', f'expected {name!r}, got {root.get("name")!r}')
        description = english_narrative(root.find('metadata/description')) or english_narrative(
            root.find('metadata/name')
        )
        parsed[name] = (description, root.get('category-codelist', ''), parse_codelist(file))
    codelists = [
        Codelist(name=name, description=description, category_codelist=category)
        for name, (description, category, _) in parsed.items()
    ]
    upsert(Codelist, codelists, ['name'], ['description', 'category_codelist'])
    ids = dict(Codelist.objects.filter(name__in=CODELISTS).values_list('name', 'pk'))
    rows = [
        CodelistItem(
            codelist_id=ids[name],
            code=item['code'],
            name_en=item['name'],
            description=item['description'],
            category=item['category'],
            is_withdrawn=item['withdrawn'],
        )
        for name, (_, _, items) in parsed.items()
        for item in items
    ]
    created, updated = upsert(
        CodelistItem, rows, ['codelist', 'code'], ['name_en', 'description', 'category', 'is_withdrawn']
    )
    return LoadResult(spec.key, len(rows), created, updated)


def codelists_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    for name in CODELISTS:
        digest.update(sha256_of(path / f'{name}.xml').encode())
    return digest.hexdigest()
