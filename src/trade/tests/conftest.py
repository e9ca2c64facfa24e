import pytest


@pytest.fixture
def trade_data_dir(settings, tmp_path):
    """A fresh, empty data directory for the trade store (Parquet files) of one test."""
    settings.DATA_DIR = tmp_path / 'data'
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


@pytest.fixture
def official(db, trade_data_dir):
    """The Statistics Agency's partner tables in the store, loaded as `make run` loads them."""
    from trade.services import load_official_tables

    load_official_tables()
