from trade.models.runs import *  # noqa: F403
from trade.models.targets import *  # noqa: F403
