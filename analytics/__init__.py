"""The domain, pure: time-driven ABC, customer P&L, whale curve, quadrants.

Imports neither streamlit nor duckdb; everything works on small pandas tables.
"""

from analytics.analysis import Analysis, analyse
from analytics.metrics import METRICS, format_money, format_pct
from analytics.pnl import customer_pnl
from analytics.quadrants import QUADRANTS, Thresholds, classify, thresholds
from analytics.ranking import rank_customers
from analytics.tdabc import activity_rates, capacity_usage, cost_by_activity
from analytics.whale import WhaleCurve, WhaleSummary, whale_curve

__all__ = [
    "METRICS",
    "QUADRANTS",
    "Analysis",
    "Thresholds",
    "WhaleCurve",
    "WhaleSummary",
    "activity_rates",
    "analyse",
    "capacity_usage",
    "classify",
    "cost_by_activity",
    "customer_pnl",
    "format_money",
    "format_pct",
    "rank_customers",
    "thresholds",
    "whale_curve",
]
