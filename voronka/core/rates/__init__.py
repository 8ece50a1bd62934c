"""Exchange rates: the central banks' feeds (`feeds`) and the writes (`services`).

Reading rates (a value in the base currency on a date) is `voronka.core.money`.
"""

from .feeds import FeedError
from .services import LoadResult, load_rates

__all__ = ["FeedError", "LoadResult", "load_rates"]
