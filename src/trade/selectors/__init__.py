"""Reads of the trade monitor, one function per page, each returning a dataclass that the page,
its API endpoint and its download all read (trade.forms validates their parameters):

- dashboard → Dashboard        (dashboard page; API monitor and targets; yearly, share, mirror,
                                 products, required-growth and projection downloads)
- products → ProductLevel      (product drill-down page; API products)
- partners → Partners          (partners page; API partners; partners download)
- partner → PartnerHistory     (one partner's page)
- advantage → Advantage        (comparative advantage page; API rca; rca download)
- mirror → Mirror              (mirror page; API mirror; mirror-products download)

Each takes a CachedMonitor, the pair's cached read handle; the results of the pair's reads
(Dashboard, Partners, Advantage, Mirror) inherit PairResult, which keeps it and gives their
`reporter` and `partner`.
"""

from trade.selectors.analysis import Advantage, Mirror, advantage, mirror
from trade.selectors.base import CachedMonitor, PairResult, records, store_version
from trade.selectors.dashboard import Dashboard, dashboard
from trade.selectors.partners import PartnerHistory, Partners, partner, partner_names, partners
from trade.selectors.products import ProductLevel, product_names, products

__all__ = [
    'Advantage',
    'CachedMonitor',
    'Dashboard',
    'Mirror',
    'PairResult',
    'PartnerHistory',
    'Partners',
    'ProductLevel',
    'advantage',
    'dashboard',
    'mirror',
    'partner',
    'partner_names',
    'partners',
    'product_names',
    'products',
    'records',
    'store_version',
]
