"""The catalogue of datasets, in load order, and the load of one dataset."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.db import transaction

from core.reference.codelists import codelists_checksum, load_codelists
from core.reference.countries import load_countries, load_currencies
from core.reference.fx import load_cbu_uzs, load_fred_cny, load_imf_annual
from core.reference.hs import hs_loader, load_hs_sections
from core.reference.loading import (
    DatasetSpec,
    LoadResult,
    ReferenceDataError,
    data_path,
    record_dataset,
    sha256_of,
)

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
