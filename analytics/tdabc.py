"""Time-driven activity-based costing (Kaplan & Anderson).

Two estimates per resource group: the capacity cost rate (cost of the capacity
supplied divided by its *practical* capacity) and the unit time of each activity.
An activity's rate is unit time x capacity cost rate; an activity may instead carry
a direct ``cost_per_unit`` (freight per shipment, say). Capacity not used is costed
and reported per resource, never spread over customers.

Example
-------
>>> import pandas as pd
>>> resources = pd.DataFrame({"resource": ["Customer service"],
...                           "cost": [560_000.0], "capacity": [700_000.0]})
>>> rates = pd.DataFrame({"activity": ["Order", "Complaint", "Credit check"],
...                       "resource": ["Customer service"] * 3,
...                       "unit_time": [40.0, 220.0, 250.0]})
>>> activity_rates(rates, resources)["rate"].tolist()
[32.0, 176.0, 200.0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _require(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"{what} lacks column(s): {', '.join(missing)}")


def capacity_cost_rates(resources: pd.DataFrame) -> pd.Series:
    """Cost per unit of practical capacity for each resource.

    Parameters
    ----------
    resources : DataFrame with ``resource``, ``cost`` and ``capacity`` (> 0).

    Returns
    -------
    Series indexed by resource name.
    """
    _require(resources, ("resource", "cost", "capacity"), "resources")
    cost = resources["cost"].to_numpy(dtype=float)
    capacity = resources["capacity"].to_numpy(dtype=float)
    if (capacity <= 0).any():
        raise ValueError("practical capacity must be greater than zero")
    return pd.Series(cost / capacity, index=resources["resource"].to_numpy(), name="rate")


def activity_rates(rates: pd.DataFrame, resources: pd.DataFrame | None = None) -> pd.DataFrame:
    """Cost per driver unit of every activity.

    Parameters
    ----------
    rates : DataFrame with ``activity`` and, per row, either ``cost_per_unit`` or
        ``resource`` + ``unit_time``.
    resources : DataFrame with ``resource``, ``cost`` and ``capacity``; needed when a
        rate names a resource.

    Returns
    -------
    DataFrame with columns ``activity, resource, unit_time, capacity_cost_rate, rate``,
    one row per activity in the order given.
    """
    _require(rates, ("activity",), "rates")
    n = len(rates)
    resource = (
        rates["resource"].astype(object).where(rates["resource"].notna(), None)
        if "resource" in rates.columns
        else pd.Series([None] * n, index=rates.index, dtype=object)
    )
    unit_time = (
        rates["unit_time"].astype(float)
        if "unit_time" in rates.columns
        else pd.Series(np.nan, index=rates.index)
    )
    direct = (
        rates["cost_per_unit"].astype(float)
        if "cost_per_unit" in rates.columns
        else pd.Series(np.nan, index=rates.index)
    )
    ccr = pd.Series(np.nan, index=rates.index)
    has_resource = resource.notna()
    if has_resource.any():
        if resources is None:
            raise ValueError("rates name resources but no resources were given")
        per_resource = capacity_cost_rates(resources)
        unknown = sorted(set(resource[has_resource]) - set(per_resource.index))
        if unknown:
            raise ValueError(f"rates name unknown resource(s): {', '.join(map(str, unknown))}")
        ccr[has_resource] = per_resource.reindex(resource[has_resource]).to_numpy()
    rate = direct.where(direct.notna(), unit_time * ccr)
    if rate.isna().any():
        bad = rates.loc[rate.isna(), "activity"].tolist()
        raise ValueError(f"no rate can be computed for: {', '.join(map(str, bad))}")
    return pd.DataFrame(
        {
            "activity": rates["activity"].to_numpy(),
            "resource": resource.to_numpy(),
            "unit_time": unit_time.to_numpy(),
            "capacity_cost_rate": ccr.to_numpy(),
            "rate": rate.to_numpy(),
        }
    )


def cost_by_activity(volumes: pd.DataFrame, rate_table: pd.DataFrame) -> pd.DataFrame:
    """Cost assigned to each customer (row) for each activity (column).

    ``volumes`` holds driver quantities, one column per activity; every column must
    have a rate in ``rate_table`` (from :func:`activity_rates`).
    """
    rate = rate_table.set_index("activity")["rate"]
    missing = [a for a in volumes.columns if a not in rate.index]
    if missing:
        raise KeyError(f"no rate for activity: {', '.join(map(str, missing))}")
    values = volumes.to_numpy(dtype=float) * rate.reindex(volumes.columns).to_numpy()
    return pd.DataFrame(values, index=volumes.index, columns=volumes.columns)


def capacity_usage(
    rate_table: pd.DataFrame,
    resources: pd.DataFrame,
    activity_volume: pd.Series,
    period_fraction: float = 1.0,
) -> pd.DataFrame:
    """Practical capacity, capacity used and the cost of unused capacity per resource.

    Parameters
    ----------
    rate_table : from :func:`activity_rates`.
    resources : ``resource, cost, capacity`` for the whole data period.
    activity_volume : total driver quantity per activity (index = activity).
    period_fraction : share of the data period analysed; cost and capacity are
        prorated by it (rates are unchanged because both scale together).

    Returns
    -------
    DataFrame with ``resource, cost, capacity, used, unused, unused_cost, used_pct,
    capacity_cost_rate``. ``unused`` is negative when a resource is used beyond its
    practical capacity.
    """
    _require(resources, ("resource", "cost", "capacity"), "resources")
    timed = rate_table[rate_table["resource"].notna()]
    volume = activity_volume.reindex(timed["activity"]).fillna(0.0).to_numpy(dtype=float)
    minutes = pd.Series(volume * timed["unit_time"].to_numpy(dtype=float))
    used = minutes.groupby(timed["resource"].to_numpy()).sum()
    cost = resources["cost"].to_numpy(dtype=float) * period_fraction
    capacity = resources["capacity"].to_numpy(dtype=float) * period_fraction
    used_arr = used.reindex(resources["resource"]).fillna(0.0).to_numpy()
    ccr = resources["cost"].to_numpy(dtype=float) / resources["capacity"].to_numpy(dtype=float)
    unused = capacity - used_arr
    return pd.DataFrame(
        {
            "resource": resources["resource"].to_numpy(),
            "cost": cost,
            "capacity": capacity,
            "used": used_arr,
            "unused": unused,
            "unused_cost": unused * ccr,
            "used_pct": np.divide(
                100.0 * used_arr, capacity, out=np.zeros_like(capacity), where=capacity > 0
            ),
            "capacity_cost_rate": ccr,
        }
    )
