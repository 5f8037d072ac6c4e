"""The relationship portfolio (issue 11), pure: four kinds of buyers, the loyalty ladder,
the relationship spectrum and overdesigned relationships, share of wallet and growth
prospects, retention by cohort and relationship age.

:func:`build_portfolio` assembles them all for a period; each view is also a function of
its own module (``buyers``, ``ladder``, ``spectrum``, ``wallet``, ``cohorts``).
"""

from analytics.relationships.buyers import (
    BUYER_LABELS,
    BUYER_MOVES,
    BUYER_TYPES,
    DIFFERENCE_FROM_QUADRANTS,
    BuyerTypes,
    buyer_types,
)
from analytics.relationships.cohorts import age_table, cohort_table, customer_cohorts
from analytics.relationships.ladder import (
    DEFAULT_LADDER,
    RUNGS,
    Ladder,
    check_ladder,
    ladder_evidence,
    ladder_table,
    place_on_ladder,
)
from analytics.relationships.portfolio import PORTFOLIO_COLUMNS, Portfolio, build_portfolio
from analytics.relationships.spectrum import (
    RELATIONSHIPS,
    infer_relationship,
    overdesigned,
    relationship_activities,
    relationship_cost,
)
from analytics.relationships.wallet import growth_ranking, share_of_wallet

__all__ = [
    "BUYER_LABELS",
    "BUYER_MOVES",
    "BUYER_TYPES",
    "DEFAULT_LADDER",
    "DIFFERENCE_FROM_QUADRANTS",
    "PORTFOLIO_COLUMNS",
    "RELATIONSHIPS",
    "RUNGS",
    "BuyerTypes",
    "Ladder",
    "Portfolio",
    "age_table",
    "build_portfolio",
    "buyer_types",
    "check_ladder",
    "cohort_table",
    "customer_cohorts",
    "growth_ranking",
    "infer_relationship",
    "ladder_evidence",
    "ladder_table",
    "overdesigned",
    "place_on_ladder",
    "relationship_activities",
    "relationship_cost",
    "share_of_wallet",
]
