"""Model fields whose values must survive every database exactly.

SQLite has no decimal type: Django's DecimalField lands in a column of NUMERIC affinity, which
keeps a number with a fraction as an 8-byte float, and reads it back through a 15-digit context.
12,345,678,901,234.57 UZS came back as 12,345,678,901,234.60 — two digits of a
sixteen-digit amount lost. An amount is therefore kept as a whole number of hundredths in a
64-bit integer column on every database: SQLite and PostgreSQL store and add integers exactly,
SUM raises instead of wrapping on overflow, and Python still sees a Decimal with two places.
"""

from decimal import Decimal

from django.db import migrations, models
from django.db.models import CharField, F, Func, Value
from django.db.models.functions import Round

# 18 digits of which 2 after the point: the largest amount, 9,999,999,999,999,999.99, is
# 999,999,999,999,999,999 hundredths, inside a signed 64-bit integer (9,223,372,036,854,775,807).
AMOUNT_DIGITS = 18
HUNDREDTHS = 2


class AmountField(models.DecimalField):
    """A Decimal with two places stored as an integer count of hundredths.

    To forms, validation, the API and its schema it is a DecimalField(max_digits=18,
    decimal_places=2); to the database a bigint. Aggregates over it (Sum, Min, Max) come back
    through from_db_value, so totals are Decimals with two places too. SQL arithmetic that mixes
    it with other numbers would mix units: this code base sums and compares amounts only.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault('max_digits', AMOUNT_DIGITS)
        kwargs.setdefault('decimal_places', HUNDREDTHS)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get('max_digits') == AMOUNT_DIGITS:
            del kwargs['max_digits']
        if kwargs.get('decimal_places') == HUNDREDTHS:
            del kwargs['decimal_places']
        return name, path, args, kwargs

    def get_internal_type(self):
        return 'BigIntegerField'

    def db_type(self, connection):
        return models.BigIntegerField().db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        if value is None or hasattr(value, 'resolve_expression'):
            return value
        hundredths = Decimal(value).scaleb(self.decimal_places)
        if hundredths != hundredths.to_integral_value():
            raise ValueError(f'{value} has more than {self.decimal_places} decimal places')
        return int(hundredths)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        # PostgreSQL's SUM of a bigint is a numeric: still a whole number of hundredths.
        return Decimal(int(value)).scaleb(-self.decimal_places)


class AmountText(Func):
    """An AmountField as text with two decimals ("-1234.05"), formatted by the database from the
    hundredths it holds: an export that reads amounts as Python objects only to print them again
    spends most of its time doing so."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        # '%%%%' is a literal '%' once the template and then the driver have read it.
        template = (
            'CASE WHEN %(expressions)s IS NULL THEN NULL ELSE '
            "(CASE WHEN %(expressions)s < 0 THEN '-' ELSE '' END) || "
            "printf('%%%%d.%%%%02d', abs(%(expressions)s) / 100, abs(%(expressions)s) %%%% 100) END"
        )
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sql(self, compiler, connection, **extra):
        extra.setdefault('template', 'CAST(CAST(CAST(%(expressions)s AS numeric) / 100 AS numeric(20, 2)) AS text)')
        return super().as_sql(compiler, connection, **extra)


def hundredths_of(app_label: str, model_name: str, field_name: str):
    """A migration step, placed before the AlterField that turns a DecimalField into an
    AmountField, that rewrites the column's values as hundredths (and back when unapplied,
    after the reverse AlterField). ROUND keeps SQLite's float products integral, so that the
    integer column receives integers. PostgreSQL checks the table's deferred foreign keys at
    once: an ALTER TABLE after an UPDATE refuses to run while their checks are pending."""

    def rewrite(apps, schema_editor, factor):
        model = apps.get_model(app_label, model_name)
        immediate = schema_editor.connection.vendor == 'postgresql'
        if immediate:
            schema_editor.execute('SET CONSTRAINTS ALL IMMEDIATE')
        model.objects.filter(**{f'{field_name}__isnull': False}).update(**{field_name: factor(F(field_name))})
        if immediate:
            schema_editor.execute('SET CONSTRAINTS ALL DEFERRED')

    hundredth = Value(Decimal('0.01'), output_field=models.DecimalField(max_digits=3, decimal_places=2))

    def forward(apps, schema_editor):
        rewrite(apps, schema_editor, lambda value: Round(value * 100))

    def backward(apps, schema_editor):
        rewrite(apps, schema_editor, lambda value: value * hundredth)

    return migrations.RunPython(forward, backward, elidable=False)
