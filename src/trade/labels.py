"""Labels of the monitor's codes in the active language (pages, API, downloads)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SOURCE_LABELS = {
    'uzstat': gettext_lazy('Statistics Agency under the President of Uzbekistan, open data sets 1105 and 1176'),
    'baci': gettext_lazy('BACI (CEPII), reconciled UN Comtrade data'),
    'comtrade': gettext_lazy('UN Comtrade'),
    'illustrative-hs6': gettext_lazy('illustrative data generated for the demo, not statistics'),
}
ASSUMPTION_LABELS = {
    'keep_coverage': gettext_lazy('Keep the current exports/imports ratio'),
    'keep_balance': gettext_lazy('Keep the current balance in USD'),
    'halve_deficit': gettext_lazy('Halve the current balance'),
    'balanced': gettext_lazy('Balanced trade (exports = imports)'),
}

STATUS_LABELS = {
    'on_track': gettext_lazy('on track'),
    'at_risk': gettext_lazy('at risk'),
    'off_track': gettext_lazy('off track'),
}
STATUS_BADGES = {'on_track': 'badge-green', 'at_risk': 'badge-amber', 'off_track': 'badge-red'}  # their colours
METHOD_LABELS = {
    'log_linear_trend': gettext_lazy('Log-linear trend from the latest year'),
    'drift': gettext_lazy('Random walk with drift (naive benchmark)'),
}


def source_label(source: str) -> str:
    if source.startswith('customs:'):
        return _('Customs statistics (%(key)s)') % {'key': source.removeprefix('customs:')}
    return SOURCE_LABELS.get(source, source)
