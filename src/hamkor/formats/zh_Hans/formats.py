# Money in reports and tables for Chinese readers is grouped by thousands with commas
# (Django's default Chinese formats leave numbers ungrouped).
from django.conf.locale.zh_Hans.formats import *  # noqa: F403

DECIMAL_SEPARATOR = '.'
THOUSAND_SEPARATOR = ','
NUMBER_GROUPING = 3
