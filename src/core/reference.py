"""Loading the reference data shipped in `data/` into the database.

Each dataset is parsed and validated completely before anything is written; a bad row stops
the load with the file, line and field named, and nothing of that dataset changes. Loading is
an upsert keyed on natural codes (one transaction and a few bulk statements per table), so
loading twice leaves identical rows. Every load records the file's checksum and row count in
ReferenceDataset, which is how a figure derived from reference data names its source.
"""

import csv
import datetime
import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Context, Decimal, InvalidOperation
from pathlib import Path

import defusedxml.ElementTree as ElementTree
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.models import (
    Codelist,
    CodelistItem,
    Country,
    Currency,
    ExchangeRate,
    HSCode,
    HSSection,
    ReferenceDataset,
)

BATCH_SIZE = 2000
XML_LANG = '{http://www.w3.org/XML/1998/namespace}lang'


class ReferenceDataError(Exception):
    """A reference file is malformed; names the file, line (or element) and field."""

    def __init__(self, path: Path | str, where: str, field_name: str, message: str):
        self.path, self.where, self.field_name, self.message = str(path), where, field_name, message
        super().__init__(f'{path}, {where}, field {field_name!r}: {message}')


@dataclass
class LoadResult:
    key: str
    rows: int
    created: int
    updated: int
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DatasetSpec:
    key: str
    title: str
    path: str  # relative to the data directory
    origin: str
    licence: str
    load: Callable[['DatasetSpec', Path, ReferenceDataset], LoadResult]


def data_path(relative: str) -> Path:
    return Path(settings.REFERENCE_DATA_DIR) / relative


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open('rb') as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


def read_csv(path: Path, *, delimiter: str = ',', required: Iterable[str] = ()) -> Iterable[tuple[int, dict]]:
    """Yield (line number, row) with the header checked; blank lines are reported, not guessed."""
    with path.open(encoding='utf-8-sig', newline='') as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        missing = [name for name in required if name not in (reader.fieldnames or [])]
        if missing:
            raise ReferenceDataError(path, 'line 1', missing[0], f'column missing from header {reader.fieldnames}')
        for row in reader:
            yield reader.line_num, row


def upsert(model, rows: list, unique_fields: list[str], update_fields: list[str]) -> tuple[int, int]:
    """Insert new rows and update existing ones; returns (created, updated)."""
    manager = model.objects
    attnames = [model._meta.get_field(name).attname for name in unique_fields]
    keys = {tuple(getattr(row, name) for name in attnames) for row in rows}
    existing = (
        set(manager.values_list(*unique_fields))
        if len(unique_fields) > 1
        else {(value,) for value in manager.values_list(unique_fields[0], flat=True)}
    )
    created = len(keys - existing)
    manager.bulk_create(
        rows,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=unique_fields,
        update_fields=update_fields,
    )
    return created, len(keys) - created


def record_dataset(spec: DatasetSpec, checksum: str) -> ReferenceDataset:
    dataset, _ = ReferenceDataset.objects.update_or_create(
        key=spec.key,
        defaults={
            'title': spec.title,
            'path': spec.path,
            'origin': spec.origin,
            'licence': spec.licence,
            'sha256': checksum,
            'row_count': 0,
            'loaded_at': timezone.now(),
        },
    )
    return dataset


#
# HS nomenclature
#


def load_hs_sections(spec: DatasetSpec, path: Path, dataset: ReferenceDataset) -> LoadResult:
    rows = []
    for line, row in read_csv(path, required=['section', 'name']):
        code, name = row['section'].strip(), row['name'].strip()
        number = roman_to_int(code)
        if number is None:
            raise ReferenceDataError(path, f'line {line}', 'section', f'{code!r} is not a roman numeral I–XXI')
        if not name:
            raise ReferenceDataError(path, f'line {line}', 'name', 'empty')
        rows.append(HSSection(code=code, number=number, name=name[:1].upper() + name[1:]))
    created, updated = upsert(HSSection, rows, ['code'], ['number', 'name'])
    return LoadResult(spec.key, len(rows), created, updated)


ROMAN = {'I': 1, 'V': 5, 'X': 10}


def roman_to_int(text: str) -> int | None:
    if not text or any(char not in ROMAN for char in text):
        return None
    total = 0
    for index, char in enumerate(text):
        value = ROMAN[char]
        total += -value if index + 1 < len(text) and ROMAN[text[index + 1]] > value else value
    return total if 1 <= total <= 21 else None


def hs_loader(edition: str):
    def load(spec: DatasetSpec, path: Path, dataset: ReferenceDataset) -> LoadResult:
        sections = dict(HSSection.objects.values_list('code', 'pk'))
        if not sections:
            raise ReferenceDataError(path, 'file', 'section', 'HS sections must be loaded first')
        by_level: dict[int, list[dict]] = defaultdict(list)
        seen: set[str] = set()
        notes = []
        for line, row in read_csv(path, required=['section', 'hscode', 'description', 'parent', 'level']):
            where = f'line {line}'
            if not any((value or '').strip() for value in row.values()):
                notes.append(f'{where}: blank row ignored')
                continue
            code, level_text = row['hscode'].strip(), row['level'].strip()
            if code == 'TOTAL':
                continue  # the classification's root; the edition itself stands for it
            if level_text not in ('2', '4', '6'):
                raise ReferenceDataError(path, where, 'level', f'expected 2, 4 or 6, got {level_text!r}')
            level = int(level_text)
            if not (code.isdigit() and len(code) == level):
                raise ReferenceDataError(path, where, 'hscode', f'{code!r} is not a {level}-digit code')
            if code in seen:
                raise ReferenceDataError(path, where, 'hscode', f'{code} appears twice')
            seen.add(code)
            expected_parent = 'TOTAL' if level == 2 else code[: level - 2]
            if row['parent'].strip() != expected_parent:
                raise ReferenceDataError(
                    path, where, 'parent', f'expected {expected_parent!r} for {code}, got {row["parent"]!r}'
                )
            section = row['section'].strip()
            if section != 'TOTAL' and section not in sections:
                raise ReferenceDataError(path, where, 'section', f'unknown section {section!r}')
            description = row['description'].strip()
            if not description:
                raise ReferenceDataError(path, where, 'description', 'empty')
            by_level[level].append(
                {
                    'code': code,
                    'description': description,
                    'section_id': sections.get(section),
                    'where': where,
                }
            )
        created = updated = 0
        parents: dict[str, int] = {}
        for level in (2, 4, 6):
            objects = []
            for item in by_level[level]:
                parent_code = item['code'][: level - 2] if level > 2 else None
                if parent_code is not None and parent_code not in parents:
                    raise ReferenceDataError(path, item['where'], 'parent', f'parent {parent_code} is not in the file')
                objects.append(
                    HSCode(
                        edition=edition,
                        code=item['code'],
                        level=level,
                        description=item['description'],
                        section_id=item['section_id'],
                        parent_id=parents.get(parent_code) if parent_code else None,
                    )
                )
            level_created, level_updated = upsert(
                HSCode, objects, ['edition', 'code'], ['level', 'description', 'section', 'parent']
            )
            created, updated = created + level_created, updated + level_updated
            parents.update(HSCode.objects.filter(edition=edition, level=level).values_list('code', 'pk'))
        return LoadResult(spec.key, sum(len(items) for items in by_level.values()), created, updated, notes)

    return load


#
# Currencies and countries
#


def load_currencies(spec: DatasetSpec, path: Path, dataset: ReferenceDataset) -> LoadResult:
    """ISO 4217 currencies from the IATI Currency codelist, completed by the current ISO codes
    and minor units listed in the country-codes file (the IATI 2.03 list predates a few)."""
    items = parse_codelist(path)
    currencies = {item['code']: item for item in items}
    minor_units: dict[str, int] = {}
    country_file = data_path('reference/datahub_country-codes.csv')
    for line, row in read_csv(country_file):
        codes = [code.strip() for code in row['ISO4217-currency_alphabetic_code'].split(',') if code.strip()]
        names = [name.strip() for name in row['ISO4217-currency_name'].split(',')]
        units = [unit.strip() for unit in row['ISO4217-currency_minor_unit'].split(',')]
        for index, code in enumerate(codes):
            if len(code) != 3 or not code.isalpha():
                raise ReferenceDataError(country_file, f'line {line}', 'ISO4217-currency_alphabetic_code', repr(code))
            if index < len(units) and units[index].isdigit():
                minor_units.setdefault(code, int(units[index]))
            if code not in currencies and index < len(names) and names[index]:
                currencies[code] = {'code': code, 'name': names[index], 'withdrawn': False}
    rows = [
        Currency(
            code=code,
            name_en=item['name'],
            minor_unit=minor_units.get(code),
            is_withdrawn=item['withdrawn'],
        )
        for code, item in sorted(currencies.items())
    ]
    created, updated = upsert(Currency, rows, ['code'], ['name_en', 'minor_unit', 'is_withdrawn'])
    return LoadResult(spec.key, len(rows), created, updated)


def load_countries(spec: DatasetSpec, path: Path, dataset: ReferenceDataset) -> LoadResult:
    """Countries from the country-codes file; English names as in CLDR, Russian and Chinese as
    in UNTERM (official names where UNTERM has none), Uzbek from CLDR's Uzbek locale."""
    uzbek_file = data_path('reference/cldr_territory_names_uz.csv')
    uzbek = {row['iso2']: row['name_uz'].strip() for _, row in read_csv(uzbek_file, required=['iso2', 'name_uz'])}
    rows = []
    for line, row in read_csv(path, required=['ISO3166-1-Alpha-2', 'ISO3166-1-Alpha-3', 'M49']):
        where = f'line {line}'
        iso2, iso3 = row['ISO3166-1-Alpha-2'].strip(), row['ISO3166-1-Alpha-3'].strip()
        numeric, m49 = row['ISO3166-1-numeric'].strip(), row['M49'].strip()
        if len(iso2) != 2 or not iso2.isalpha():
            raise ReferenceDataError(path, where, 'ISO3166-1-Alpha-2', repr(iso2))
        if len(iso3) != 3 or not iso3.isalpha():
            raise ReferenceDataError(path, where, 'ISO3166-1-Alpha-3', repr(iso3))
        for name, value in (('ISO3166-1-numeric', numeric), ('M49', m49)):
            if not value.isdigit() or len(value) > 3:
                raise ReferenceDataError(path, where, name, repr(value))
        name_en = first(row, 'CLDR display name', 'UNTERM English Short', 'official_name_en')
        if not name_en:
            raise ReferenceDataError(path, where, 'CLDR display name', 'no English name in any name column')
        rows.append(
            Country(
                iso2=iso2,
                iso3=iso3,
                iso_numeric=numeric.zfill(3),
                m49=m49.zfill(3),
                name_en=name_en,
                name_ru=first(row, 'UNTERM Russian Short', 'official_name_ru'),
                name_zh=first(row, 'UNTERM Chinese Short', 'official_name_cn'),
                name_uz=uzbek.get(iso2, ''),
                official_name_en=first(row, 'UNTERM English Formal', 'official_name_en'),
                region=row['Region Name'].strip(),
                subregion=row['Sub-region Name'].strip(),
                currency_code=row['ISO4217-currency_alphabetic_code'].split(',')[0].strip(),
                capital=row['Capital'].strip(),
            )
        )
    fields = [f.name for f in Country._meta.concrete_fields if f.name not in ('id', 'iso3')]
    created, updated = upsert(Country, rows, ['iso3'], fields)
    return LoadResult(spec.key, len(rows), created, updated)


def first(row: dict, *columns: str) -> str:
    for column in columns:
        value = (row.get(column) or '').strip()
        if value:
            return value
    return ''


#
# IATI codelists
#


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


#
# Exchange rates
#


# ExchangeRate.per_usd holds 16 integer and 24 decimal digits: room for the smallest
# historical rates (old Brazilian and Argentine currencies, ~1e-14) and the largest (~7e9).
RATE_QUANTUM = Decimal('1e-24')
RATE_LIMIT = Decimal('1e16')
RATE_CONTEXT = Context(prec=60)


def parse_rate(path: Path, where: str, column: str, text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ReferenceDataError(path, where, column, f'{text!r} is not a number') from None
    if not value.is_finite() or value <= 0 or value >= RATE_LIMIT:
        raise ReferenceDataError(path, where, column, f'{text!r} is not a positive rate below {RATE_LIMIT:.0e}')
    return value.quantize(RATE_QUANTUM, context=RATE_CONTEXT)


def month_end(start: datetime.date) -> datetime.date:
    following = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def rate_rows(
    dataset: ReferenceDataset, currency: str, frequency: str, rates: dict[datetime.date, Decimal]
) -> list[ExchangeRate]:
    return [
        ExchangeRate(
            currency_id=currency,
            frequency=frequency,
            period_start=start,
            period_end=month_end(start) if frequency == 'M' else start.replace(month=12, day=31),
            per_usd=value,
            dataset=dataset,
        )
        for start, value in sorted(rates.items())
    ]


def save_rates(spec: DatasetSpec, rows: list[ExchangeRate], notes: list[str] | None = None) -> LoadResult:
    created, updated = upsert(
        ExchangeRate, rows, ['currency', 'frequency', 'period_start'], ['period_end', 'per_usd', 'dataset']
    )
    return LoadResult(spec.key, len(rows), created, updated, notes or [])


def load_fred_cny(spec: DatasetSpec, path: Path, dataset: ReferenceDataset) -> LoadResult:
    rates: dict[datetime.date, Decimal] = {}
    for line, row in read_csv(path, required=['Date', 'Exchange rate']):
        where = f'line {line}'
        start = parse_date(path, where, 'Date', row['Date'])
        if start.day != 1:
            raise ReferenceDataError(path, where, 'Date', 'a monthly rate must be dated on the 1st')
        if start in rates:
            raise ReferenceDataError(path, where, 'Date', f'{start} appears twice')
        rates[start] = parse_rate(path, where, 'Exchange rate', row['Exchange rate'])
    return save_rates(spec, rate_rows(dataset, 'CNY', 'M', rates))


# The compilation's README documents the monthly data as 2016M01–2025M09; later rows of the
# file are model projections and are not exchange rates that were observed.
CBU_LAST_OBSERVED_MONTH = datetime.date(2025, 9, 1)


def load_cbu_uzs(spec: DatasetSpec, path: Path, dataset: ReferenceDataset) -> LoadResult:
    rates: dict[datetime.date, Decimal] = {}
    skipped = 0
    for line, row in read_csv(path, delimiter=';', required=['DATE', 's']):
        where = f'line {line}'
        text = row['DATE'].strip()
        try:
            start = datetime.date(int(text[:4]), int(text[5:]), 1)
            if text[4] != 'M':
                raise ValueError
        except (ValueError, IndexError):
            raise ReferenceDataError(path, where, 'DATE', f'{text!r} is not a month like 2016M01') from None
        if start > CBU_LAST_OBSERVED_MONTH:
            skipped += 1
            continue
        rates[start] = parse_rate(path, where, 's', row['s'])
    notes = [f'{skipped} months after {CBU_LAST_OBSERVED_MONTH:%Y-%m} not loaded: projections, not observations']
    return save_rates(spec, rate_rows(dataset, 'UZS', 'M', rates), notes)


def load_imf_annual(spec: DatasetSpec, path: Path, dataset: ReferenceDataset) -> LoadResult:
    """Annual averages for every currency in the Currency table.

    Where several reference areas report the same currency (the euro by the euro area and by
    Andorra, Kosovo, …) with slightly different averages, the value reported by the most areas
    is taken, and on a tie the one of the area whose code sorts first. Rows of currencies that
    ISO 4217 no longer lists (pre-euro national currencies and the like) are counted and named.
    """
    known = set(Currency.objects.values_list('code', flat=True))
    reported: dict[tuple[str, datetime.date], list[tuple[str, Decimal]]] = defaultdict(list)
    unknown: Counter = Counter()
    for line, row in read_csv(path, required=['Date', 'Rate', 'Currency', 'Frequency', 'Country code']):
        where = f'line {line}'
        if row['Frequency'].strip() != 'A':
            raise ReferenceDataError(path, where, 'Frequency', f'expected A, got {row["Frequency"]!r}')
        currency = row['Currency'].strip()
        end = parse_date(path, where, 'Date', row['Date'])
        if (end.month, end.day) != (12, 31):
            raise ReferenceDataError(path, where, 'Date', 'an annual rate must be dated on 31 December')
        value = parse_rate(path, where, 'Rate', row['Rate'])
        if currency not in known:
            unknown[currency] += 1
            continue
        reported[(currency, end.replace(month=1, day=1))].append((row['Country code'].strip(), value))
    by_currency: dict[str, dict[datetime.date, Decimal]] = defaultdict(dict)
    for (currency, start), values in reported.items():
        counts = Counter(value for _, value in values)
        best = max(counts.values())
        by_currency[currency][start] = min((area, value) for area, value in values if counts[value] == best)[1]
    rows = [row for currency, rates in sorted(by_currency.items()) for row in rate_rows(dataset, currency, 'A', rates)]
    notes = []
    if unknown:
        listed = ', '.join(f'{code} ({count})' for code, count in sorted(unknown.items()))
        notes.append(f'{sum(unknown.values())} rows of currencies not in ISO 4217 not loaded: {listed}')
    return save_rates(spec, rows, notes)


def parse_date(path: Path, where: str, column: str, text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise ReferenceDataError(path, where, column, f'{text!r} is not a date (YYYY-MM-DD)') from None


#
# The catalogue of datasets, in load order
#

HS_ORIGIN = 'GitHub datasets/harmonized-system (data from the UN Comtrade classification API)'

DATASETS: tuple[DatasetSpec, ...] = (
    DatasetSpec(
        'hs-sections',
        'HS sections',
        'hs/hs_sections.csv',
        HS_ORIGIN + ', data/sections.csv',
        'ODC-PDDL-1.0',
        load_hs_sections,
    ),
    DatasetSpec(
        'hs2017',
        'HS 2017 nomenclature',
        'hs/harmonized-system_HS2017.csv',
        HS_ORIGIN + ', commit a72bef25',
        'ODC-PDDL-1.0',
        hs_loader('2017'),
    ),
    DatasetSpec(
        'hs2022',
        'HS 2022 nomenclature',
        'hs/harmonized-system_HS2022.csv',
        HS_ORIGIN + ', commit 905e5a0f',
        'ODC-PDDL-1.0',
        hs_loader('2022'),
    ),
    DatasetSpec(
        'currencies',
        'ISO 4217 currencies (IATI Currency codelist)',
        'iati/codelists_v2.03/Currency.xml',
        'IATI Standard 2.03 codelists; minor units from GitHub datasets/country-codes',
        'MIT; ODC-PDDL',
        load_currencies,
    ),
    DatasetSpec(
        'countries',
        'Countries (ISO 3166, UN M49) with names in four languages',
        'reference/datahub_country-codes.csv',
        'GitHub datasets/country-codes (UNTERM names); Uzbek names from Unicode CLDR 49 via Babel 2.19 '
        '(data/reference/cldr_territory_names_uz.csv)',
        'ODC-PDDL; CLDR under the Unicode licence',
        load_countries,
    ),
    DatasetSpec(
        'iati-codelists',
        'IATI 2.03 codelists',
        'iati/codelists_v2.03',
        'IATI Standard 2.03 codelists (IATI/IATI-Codelists, branch version-2.03)',
        'MIT',
        load_codelists,
    ),
    DatasetSpec(
        'fx-cny-monthly',
        'CNY per USD, monthly average (Federal Reserve H.10, FRED EXCHUS)',
        'fx/fred_CNY_per_USD_monthly.csv',
        'Federal Reserve H.10 via FRED (EXCHUS), GitHub datasets/exchange-rates',
        'Public domain / ODC-PDDL',
        load_fred_cny,
    ),
    DatasetSpec(
        'fx-uzs-monthly',
        'UZS per USD, monthly average (Central Bank of Uzbekistan)',
        'macro/cerr_qpm_data_m_2016M01_2025M12.csv',
        'Central Bank of Uzbekistan, as compiled by CERR (GitHub CERR-Uzbekistan/Uzbekistan-Economic-policy-engine)',
        'MIT (sources: CBU, Statistics Agency)',
        load_cbu_uzs,
    ),
    DatasetSpec(
        'fx-annual',
        'National currency per USD, annual average (IMF IFS)',
        'fx/imf_exchangerates_A_ENDA_USD_all.csv',
        'IMF International Financial Statistics via GitHub codeforIATI/imf-exchangerates',
        'IMF terms (attribution)',
        load_imf_annual,
    ),
)


def all_datasets() -> tuple[DatasetSpec, ...]:
    """Core datasets first, then those each other app declares in its own `reference` module."""
    from importlib import import_module
    from importlib.util import find_spec

    from django.apps import apps

    specs = list(DATASETS)
    for config in apps.get_app_configs():
        if config.name != 'core' and find_spec(f'{config.name}.reference') is not None:
            specs.extend(import_module(f'{config.name}.reference').DATASETS)
    return tuple(specs)


def load_dataset(spec: DatasetSpec) -> LoadResult:
    """Load one dataset atomically: either every row is in place or nothing changed."""
    path = data_path(spec.path)
    if not path.exists():
        raise ReferenceDataError(path, 'file', 'path', 'file not found')
    checksum = codelists_checksum(path) if path.is_dir() else sha256_of(path)
    with transaction.atomic():
        dataset = record_dataset(spec, checksum)
        result = spec.load(spec, path, dataset)
        dataset.row_count = result.rows
        dataset.save(update_fields=['row_count'])
    return result
