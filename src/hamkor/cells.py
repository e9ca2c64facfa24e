"""Cells of the files Hamkor writes for spreadsheets (CSV, XLSX): text a spreadsheet would run as
a formula is written inert (OWASP, "CSV injection").

A text cell that starts with =, +, -, @, a tab or a carriage return gets a leading apostrophe,
which spreadsheets read as "this is text" and show without it in the cell's value; a plain
number such as -12.5 stays a number. The file stays readable, and nothing in it runs when
opened. The project import reverses it (`hamkor.imports`), so an exported file imports back
unchanged.
"""

FORMULA_STARTS = ('=', '+', '-', '@', '\t', '\r')
QUOTE = "'"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text


def inert(value):
    """`value` as a spreadsheet cell that cannot be a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _is_number(value):
        return QUOTE + value
    return value


def restored(text: str) -> str:
    """The text `inert` was given: the apostrophe it added removed (only before a formula start)."""
    if text.startswith(QUOTE) and text[1:].startswith(FORMULA_STARTS) and not _is_number(text[1:]):
        return text[1:]
    return text
