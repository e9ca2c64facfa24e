"""Test fixtures of the trade store: an empty data directory per test, the official tables, a BACI year."""

import pytest

from hamkor.permissions import SYSTEM
from hamkor.testing.services import table_state
from trade.importers import ImportRejected
from trade.importers.baci import BaciImporter
from trade.services import load_official_tables, run_import
from trade.store.layout import flows_directory


@pytest.fixture
def trade_data_dir(settings, tmp_path):
    """A fresh, empty data directory for the trade store (Parquet files) of one test."""
    settings.DATA_DIR = tmp_path / 'data'
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


@pytest.fixture
def official(db, trade_data_dir):
    """The Statistics Agency's partner tables in the store, loaded as `make run` loads them."""
    load_official_tables(actor=SYSTEM)


BACI_COUNTRIES = (
    'country_code,country_name,country_iso2,country_iso3\n'
    '156,China,CN,CHN\n'
    '398,Kazakhstan,KZ,KAZ\n'
    '860,Uzbekistan,UZ,UZB\n'
)


@pytest.fixture
def baci_import(trade_data_dir, tmp_path, django_capture_on_commit_callbacks):
    """Import a year of BACI's format given as text (with a country file of China, Kazakhstan and
    Uzbekistan) through the real importer, as `make run` or the import page would."""
    countries = tmp_path / 'country_codes_V202401.csv'
    countries.write_text(BACI_COUNTRIES)

    def load(text):
        path = tmp_path / 'BACI_HS17_Y2022_V202401.csv'
        path.write_text(text)
        with django_capture_on_commit_callbacks(execute=True):  # replaced files are removed after the commit
            return run_import(BaciImporter(path, countries=countries, edition='HS17'), actor=SYSTEM)

    return load


def rejections(importer) -> list[str]:
    """Run `importer`, expect it refused, check that it stored nothing (no slice, run, change-log
    row or Parquet file) and return its rejections as text."""
    tables = ('trade.TradeSlice', 'trade.ImportRun', 'core.ObjectChange')
    before = table_state(*tables), sorted(flows_directory().rglob('*.parquet'))
    with pytest.raises(ImportRejected) as error:
        run_import(importer, actor=SYSTEM)
    assert (table_state(*tables), sorted(flows_directory().rglob('*.parquet'))) == before
    return [str(rejection) for rejection in error.value.report.rejections]
