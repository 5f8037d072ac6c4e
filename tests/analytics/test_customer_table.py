"""The Customers page's table, its orders, search and picker: known answers on tiny tables."""

import numpy as np
import pandas as pd

from analytics.customer_table import (
    customer_table,
    order_customers,
    picker_customers,
    search_customers,
)


def pnl(profits, ids, names=None) -> pd.DataFrame:
    n = len(ids)
    frame = pd.DataFrame({
        "quadrant": ["passive"] * n, "net_revenue": np.arange(1.0, n + 1),
        "net_margin": [1.0] * n, "net_margin_pct": [np.nan] + [5.0] * (n - 1),
        "cost_to_serve": [1.0] * n, "cost_to_serve_pct": [1.0] * n, "profit": profits,
    }, index=pd.Index(ids, name="customer_id"))
    if names is not None:
        frame.insert(0, "name", names)
    return frame


def test_table_ranks_by_whole_cents_then_id_with_labels():
    table = customer_table(pnl([-867.49, 5.0, -867.4899999999998], ["B", "C", "A"]))
    assert table["customer_id"].tolist() == ["C", "A", "B"]
    assert table["quadrant"].tolist() == ["Passive"] * 3
    assert list(table.columns) == ["customer_id", "quadrant", "net_revenue", "net_margin",
                                   "net_margin_pct", "cost_to_serve", "cost_to_serve_pct",
                                   "profit"]


def test_orders_tie_by_id_and_put_empty_values_last():
    table = customer_table(pnl([1.0, 1.0000000001, 3.0], ["b", "a", "c"]))
    assert order_customers(table, "Most profitable first")["customer_id"].tolist() == [
        "c", "a", "b"]
    assert order_customers(table, "Least profitable first")["customer_id"].tolist() == [
        "a", "b", "c"]
    # "b" has no net margin %: last, whatever the direction.
    assert order_customers(table, "Lowest net margin % first")["customer_id"].tolist() == [
        "a", "c", "b"]


def test_search_is_literal_and_case_insensitive_on_id_and_name():
    table = customer_table(pnl([1.0, 2.0, 3.0], ["x1", "y.2", "z3"],
                               names=["Acme", None, "a.b"]))
    assert search_customers(table, " ACME ")["customer_id"].tolist() == ["x1"]
    assert search_customers(table, ".")["customer_id"].tolist() == ["z3", "y.2"]
    assert len(search_customers(table, "")) == 3


def test_a_long_picker_lists_both_ends_the_matches_and_the_selection():
    ids = [f"c{i:04d}" for i in range(3000)]
    frame = pnl(np.arange(3000.0), ids)
    chosen = picker_customers(frame, limit=2500, text="c1500", selected="c1600")
    assert len(chosen) == 2002
    assert {"c0000", "c0999", "c2000", "c2999", "c1500", "c1600"} <= set(chosen)
    assert chosen == sorted(chosen)
    assert picker_customers(frame.head(3), limit=10) == ["c0000", "c0001", "c0002"]


def test_table_carries_the_robustness_labels_by_customer():
    frame = pnl([10.0, -3.0, 0.0], ["B", "C", "A"])
    classes = pd.Series(["robust_profitable", "sensitive", "robust_unprofitable"],
                        index=pd.Index(["B", "A", "C"], name="customer_id"))
    table = customer_table(frame, classes)
    assert list(table.columns[:3]) == ["customer_id", "quadrant", "robustness"]
    assert dict(zip(table["customer_id"], table["robustness"], strict=True)) == {
        "B": "Robust profitable", "A": "Sensitive", "C": "Robust unprofitable"}
    assert "robustness" not in customer_table(frame).columns
