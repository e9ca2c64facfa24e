"""Text search that treats letters of every script alike in any case, and Uzbek apostrophes as
one character.

Django's `icontains` compares case-insensitively on PostgreSQL, but SQLite's LIKE folds only
ASCII letters: "железная" did not find "Железная". And Uzbek Latin text writes its modifier
letter (oʻ, gʻ, the tutuq belgisi) with whichever of six look-alike characters a keyboard
offers; a reader typing "O'zbekiston" must find "Oʻzbekiston". The `folded_contains` lookup
compares both sides after `fold`: on SQLite with the same Python function registered on every
connection, on PostgreSQL with LOWER and TRANSLATE, which agree with it on the letters and
apostrophes the data holds.
"""

from django.db import models
from django.db.backends.signals import connection_created

# The characters written for the Uzbek apostrophe, mapped to the ASCII one.
APOSTROPHES = 'ʻʼ‘’`ʹ'
_TO_ASCII = str.maketrans(APOSTROPHES, "'" * len(APOSTROPHES))
SQLITE_FUNCTION = 'hamkor_fold'


def fold(text: str | None) -> str | None:
    """The text as search compares it: apostrophe variants made one, letters lower-case."""
    return None if text is None else text.translate(_TO_ASCII).lower()


class Folded(models.Func):
    function = SQLITE_FUNCTION
    output_field = models.TextField()

    def as_postgresql(self, compiler, connection, **extra):
        quoted = "'" * len(APOSTROPHES) * 2  # each ' doubled inside the SQL literal
        template = f"LOWER(TRANSLATE(%(expressions)s::text, '{APOSTROPHES}', '{quoted}'))"
        return self.as_sql(compiler, connection, template=template, **extra)


class FoldedContains(models.Lookup):
    lookup_name = 'folded_contains'

    def as_sql(self, compiler, connection):
        lhs, params = compiler.compile(Folded(self.lhs))
        pattern = f'%{connection.ops.prep_for_like_query(fold(str(self.rhs)))}%'
        return f'{lhs} {connection.operators["contains"] % "%s"}', [*params, pattern]


def register_sqlite_function(sender, connection, **kwargs):
    if connection.vendor == 'sqlite':
        connection.connection.create_function(SQLITE_FUNCTION, 1, fold, deterministic=True)


def install() -> None:
    """Called once from the framework's AppConfig.ready()."""
    models.CharField.register_lookup(FoldedContains)
    models.TextField.register_lookup(FoldedContains)
    connection_created.connect(register_sqlite_function, dispatch_uid='hamkor.search')
