"""Plotly figures from analysis results (no Streamlit here), one module per subject.

- :mod:`analytics.charts.common`: palette, font, the lean template, escaping, the shared
  drawing helpers (level lines, the horizontal waterfall, signed money text);
- :mod:`analytics.charts.whale`: the whale curve (Overview);
- :mod:`analytics.charts.cost`: capacity, cost per activity, the activity heatmap (Cost to
  serve);
- :mod:`analytics.charts.quadrants`: the quadrant map and its extent (Customers);
- :mod:`analytics.charts.customer`: one customer's waterfall, usage and months;
- :mod:`analytics.charts.scenario`: the scenario bridge and the comparisons (Pricing);
- :mod:`analytics.charts.relationships`: the buyer map, the cohort heatmap and the
  relationship-age chart (Relationships);
- :mod:`analytics.charts.trends`: the company's trend (Overview) and utilisation over
  time (Cost to serve).

Every public name is re-exported here, so ``from analytics.charts import X`` works.
"""

from analytics.charts.common import (
    BLUE,
    FONT,
    GREEN,
    GREY,
    ORANGE,
    PALETTE,
    PURPLE,
    SKY,
    TEMPLATE,
    TEXT,
    VERMILLION,
    base_layout,
    escape,
    new_figure,
)
from analytics.charts.cost import activity_cost_figure, activity_heatmap_figure, capacity_figure
from analytics.charts.customer import customer_waterfall_figure, monthly_figure, usage_figure
from analytics.charts.quadrants import (
    MAX_MAP_POINTS,
    PROFIT_SCALE,
    QUADRANT_CORNERS,
    QUADRANT_NAMES,
    THRESHOLD_WORDS,
    WEBGL_ABOVE,
    MapExtent,
    quadrant_map_extent,
    quadrant_map_figure,
)
from analytics.charts.relationships import (
    buyer_map_figure,
    cohort_heatmap_figure,
    relationship_age_figure,
)
from analytics.charts.scenario import (
    SCENARIO_COLOURS,
    bridge_comparison_figure,
    migration_sankey_figure,
    scenario_bridge_figure,
    whale_comparison_figure,
)
from analytics.charts.trends import company_trend_figure, utilisation_trend_figure
from analytics.charts.whale import PROFIT_AXIS, TYPICAL_HIGH, TYPICAL_LOW, whale_figure

__all__ = [
    "BLUE",
    "FONT",
    "GREEN",
    "GREY",
    "MAX_MAP_POINTS",
    "ORANGE",
    "PALETTE",
    "PROFIT_AXIS",
    "PROFIT_SCALE",
    "PURPLE",
    "QUADRANT_CORNERS",
    "QUADRANT_NAMES",
    "SCENARIO_COLOURS",
    "SKY",
    "TEMPLATE",
    "TEXT",
    "THRESHOLD_WORDS",
    "TYPICAL_HIGH",
    "TYPICAL_LOW",
    "VERMILLION",
    "WEBGL_ABOVE",
    "MapExtent",
    "activity_cost_figure",
    "activity_heatmap_figure",
    "base_layout",
    "bridge_comparison_figure",
    "buyer_map_figure",
    "capacity_figure",
    "cohort_heatmap_figure",
    "company_trend_figure",
    "customer_waterfall_figure",
    "escape",
    "migration_sankey_figure",
    "monthly_figure",
    "new_figure",
    "quadrant_map_extent",
    "quadrant_map_figure",
    "relationship_age_figure",
    "scenario_bridge_figure",
    "usage_figure",
    "utilisation_trend_figure",
    "whale_comparison_figure",
    "whale_figure",
]
