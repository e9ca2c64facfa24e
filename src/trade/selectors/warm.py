"""Filling the shared cache right after an import commits.

The monitor's results are cached under the store's version (its current slices), so an import
makes every cached figure of the pair unreachable. Computing what the dashboard and the partners
page read as soon as the import commits means the first reader after an import — in any worker,
the cache being shared — reads the cache instead of scanning the store. The page models
warmed for the topic "trade" (hamkor.pagecache: the dashboard's charts and rendered body) are
computed too.
"""

import inspect
import logging
from functools import cached_property

from hamkor import pagecache
from trade.schema import DIRECTIONS
from trade.selectors.base import CachedMonitor
from trade.selectors.dashboard import dashboard
from trade.selectors.partners import partners

logger = logging.getLogger(__name__)


def evaluate(page) -> None:
    """Compute every computed part (property) of a page's selector result."""
    for name, member in inspect.getmembers(type(page)):
        if isinstance(member, (property, cached_property)):
            getattr(page, name)


def warm_cache() -> None:
    monitor = CachedMonitor()
    board = dashboard(monitor)
    evaluate(board)
    for direction in DIRECTIONS:
        board.top_products(direction)
    evaluate(partners(monitor))
    pagecache.warm('trade')


def warm_cache_quietly() -> None:
    """After a commit nothing may fail the import that has already succeeded: a failure is logged
    and the pages then compute their figures on first read, as they would without warming."""
    try:
        warm_cache()
    except Exception:
        logger.exception('warming the trade cache after an import failed')
