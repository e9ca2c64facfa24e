"""Currencies (ISO 4217) and countries (ISO 3166, UN M49) with their names in four languages."""

from pathlib import Path

from core.models import (
    Country,
    Currency,
    ReferenceDataset,
)
from core.reference.codelists import parse_codelist
from core.reference.loading import (
    DatasetSpec,
    LoadResult,
    ReferenceDataError,
    data_path,
    read_csv,
    upsert,
)


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
