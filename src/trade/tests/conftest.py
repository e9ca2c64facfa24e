import pytest


@pytest.fixture
def trade_data_dir(settings, tmp_path):
    """A fresh, empty data directory for the trade store (Parquet files) of one test."""
    settings.DATA_DIR = tmp_path / 'data'
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR
