"""Seeded, deterministic generator of a one-file ERP/BI export of order lines.

This is the file executives really have: one wide CSV of order lines with the customer's
attributes repeated on every line, like the public "Superstore" retail export. It feeds
tests, a browser test and a benchmark of the wide-file import (millions of lines).

The file
--------
One CSV file, UTF-8, comma delimited, ``\\n`` line ends, a header line and the columns of
:data:`HEADERS`:

* ``Order Date`` and ``Ship Date`` are written day first with two-digit years
  (``03/01/19`` is 3 January 2019). Orders span 2019-01-01 .. 2021-12-31, both ends
  included; a line ships 0..6 days after its order (Same Day 0-1, First Class 1-3,
  Second Class 2-4, Standard Class 4-6).
* ``Order ID`` looks like ``CA-2019-100006`` (or ``US-...``): the order year, then a
  number that rises with the order date within the year. An order has 1..6 lines, all
  with the same customer, order date, ship date, ship mode and priority.
* ``Customer ID`` looks like ``AB-10015`` (the initials of the name); ``Customer Name``
  is a person (Consumer, Home Office) or a company (Corporate). Names and IDs are
  unique and map one to one. One name contains ``<b>HTML</b>`` (:data:`HTML_NAME`) and
  one a comma and quotes (:data:`QUOTED_NAME`, quoted in the file).
* ``Segment`` and ``Region`` are repeated on every line. About 2 % of the customers
  (at least two) "moved": from some date on, their orders carry another segment or
  another region, so only a most-frequent-value rule gives them one value. The
  majority is never a tie (counted in lines).
* ``Quantity`` is 1..14; about 1 % of the lines are returns, with negative quantity,
  sales and profit (only lines that made a profit are returned, so the profit of a
  return is negative too).
* ``Discount`` is a fraction (0, 0.1, 0.2, 0.3, 0.45, 0.5, 0.7 or 0.8; mostly 0 or 0.2),
  ``Sales`` the net amount after discount and ``Profit`` = Sales - cost, both with two
  decimals. Sales - Profit (the cost of goods) is positive on every line but returns;
  heavy discounts lose money, so profit is negative on about one line in six.

The customers
-------------
Account size is lognormal (a few big accounts, Corporate accounts larger). A latent
*service style* per customer sets how it buys: at one end many small orders (few lines,
small quantities) shipped First Class or Same Day with urgent priority, at the other a
few large Standard Class orders of many lines with low or unspecified priority. A
customer's appetite for discounts (higher in Central and South) decides how often it
gets the heavy discounts, so customers differ a lot in margin and in cost to serve.
Products (about 2,000, Superstore-like IDs such as ``OFF-PA-10000174``) are drawn by
a popularity curve within a category chosen by the customer's category mix.

Scale
-----
Without ``lines`` a file has about 40 lines per customer (12,000 lines for the default
300 customers, the size of the Superstore file). With ``lines`` the number of orders is
scaled so that the file has about that many lines; everything is drawn with numpy
arrays and DuckDB formats and writes the file, so six million lines take seconds.
The same arguments give byte-identical files.

Example
-------
>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as folder:
...     facts = write_wide_export(pathlib.Path(folder) / "orders.csv", customers=20, seed=2)
>>> facts["customers"], str(facts["first_date"]), str(facts["last_date"])
(20, '2019-01-01', '2021-12-31')
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

__all__ = [
    "DISCOUNTS",
    "HEADERS",
    "HTML_NAME",
    "PRIORITIES",
    "QUOTED_NAME",
    "REGIONS",
    "SEGMENTS",
    "SHIP_MODES",
    "write_wide_export",
]

HEADERS = (
    "Row ID", "Order ID", "Order Date", "Ship Date", "Ship Mode", "Order Priority",
    "Customer ID", "Customer Name", "Segment", "Region", "Product ID", "Quantity",
    "Sales", "Discount", "Profit",
)  # fmt: skip
SHIP_MODES = ("Standard Class", "Second Class", "First Class", "Same Day")
PRIORITIES = ("1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED", "5-LOW")
SEGMENTS = ("Consumer", "Corporate", "Home Office")
REGIONS = ("West", "East", "Central", "South")
DISCOUNTS = (0.0, 0.1, 0.2, 0.3, 0.45, 0.5, 0.7, 0.8)
# How each discount is written (Superstore style: "0", not "0.0").
_DISCOUNT_TEXT = ("0", "0.1", "0.2", "0.3", "0.45", "0.5", "0.7", "0.8")
HTML_NAME = "<b>HTML</b> Office Supply"
QUOTED_NAME = 'O\'Neil, "Big Jim" & Sons'
_SPECIAL_INITIALS = ("HO", "OB")

FIRST_DAY = dt.date(2019, 1, 1)
LAST_DAY = dt.date(2021, 12, 31)
LINES_PER_CUSTOMER = 40  # default size: about 40 lines per customer
INCONSISTENT_SHARE = 0.02  # share of customers whose segment or region changes

_SEGMENT_SHARE = (0.52, 0.30, 0.18)
_SEGMENT_SIZE = (0.8, 1.8, 0.6)  # relative account size
_REGION_SHARE = (0.32, 0.29, 0.23, 0.16)
_REGION_DISCOUNT = (0.8, 1.0, 1.4, 1.15)  # appetite for heavy discounts
# Ship days after the order, lowest and highest, per ship mode.
_SHIP_LO = np.array([4, 2, 1, 0])
_SHIP_HI = np.array([6, 4, 3, 1])
# Discount distributions: ordinary lines and promotions / heavy haggling.
_DISCOUNT_NORMAL = (0.56, 0.05, 0.35, 0.02, 0.0, 0.01, 0.01, 0.0)
_DISCOUNT_HEAVY = (0.05, 0.02, 0.18, 0.15, 0.08, 0.12, 0.25, 0.15)
_MONTH_WEIGHT = (0.55, 0.5, 0.85, 0.85, 0.85, 0.85, 0.8, 0.75, 1.35, 0.9, 1.35, 1.45)
_WEEKDAY_WEIGHT = (1.0, 1.0, 1.0, 1.0, 1.0, 0.4, 0.25)

# Catalogue: category, sub-category, products, median list price, cost / list, promotions.
# fmt: off
_SUBCATEGORIES = (
    ("FUR", "BO", 50, 210.0, 0.80, 2.2), ("FUR", "CH", 120, 180.0, 0.70, 1.0),
    ("FUR", "FU", 180, 30.0, 0.66, 1.0), ("FUR", "TA", 60, 260.0, 0.82, 2.6),
    ("OFF", "AP", 90, 90.0, 0.70, 1.0), ("OFF", "AR", 200, 8.0, 0.70, 0.6),
    ("OFF", "BI", 200, 12.0, 0.58, 3.0), ("OFF", "EN", 80, 15.0, 0.56, 0.5),
    ("OFF", "FA", 70, 5.0, 0.66, 0.6), ("OFF", "LA", 120, 5.0, 0.55, 0.4),
    ("OFF", "PA", 270, 15.0, 0.55, 0.5), ("OFF", "ST", 180, 60.0, 0.72, 1.0),
    ("OFF", "SU", 50, 20.0, 0.78, 1.0), ("TEC", "AC", 150, 55.0, 0.68, 0.8),
    ("TEC", "CO", 15, 600.0, 0.60, 0.8), ("TEC", "MA", 60, 300.0, 0.74, 2.5),
    ("TEC", "PH", 180, 120.0, 0.70, 1.0),
)
_CATEGORIES = ("FUR", "OFF", "TEC")

_FIRST_NAMES = (
    "Aaron", "Adam", "Alan", "Alice", "Amy", "Andrew", "Anna", "Barbara", "Ben", "Beth",
    "Brian", "Carl", "Carol", "Chris", "Claire", "Dan", "Dana", "David", "Diane", "Ed",
    "Elena", "Emily", "Eric", "Frank", "Gary", "Grace", "Hannah", "Helen", "Ian", "Jack",
    "Jane", "Jason", "Jenny", "Jim", "Joan", "John", "Karen", "Kate", "Kevin", "Laura",
    "Linda", "Lisa", "Mark", "Mary", "Matt", "Megan", "Mike", "Nancy", "Nick", "Olivia",
    "Paul", "Peter", "Rachel", "Rick", "Rose", "Ruth", "Sam", "Sarah", "Sean", "Steve",
    "Susan", "Tom", "Tony", "Tracy", "Victor", "Wendy", "Will", "Zoe",
)
_LAST_NAMES = (
    "Abbott", "Allen", "Bailey", "Baker", "Barnes", "Bell", "Bennett", "Brooks", "Brown",
    "Bryant", "Butler", "Campbell", "Carter", "Clark", "Coleman", "Collins", "Cook",
    "Cooper", "Cox", "Davis", "Diaz", "Edwards", "Evans", "Fisher", "Flores", "Foster",
    "Garcia", "Gibson", "Gomez", "Gray", "Green", "Griffin", "Gute", "Hall", "Harris",
    "Hayes", "Henderson", "Hill", "Howard", "Hughes", "Jackson", "James", "Jenkins",
    "Johnson", "Jones", "Kelly", "King", "Lee", "Lewis", "Long", "Lopez", "Martin",
    "Miller", "Mitchell", "Moore", "Morgan", "Morris", "Murphy", "Nelson", "Novak",
    "Parker", "Patel", "Perry", "Peterson", "Phillips", "Powell", "Price", "Reed",
    "Reyes", "Richards", "Rivera", "Roberts", "Rogers", "Ross", "Russell", "Sanders",
    "Scott", "Simmons", "Stewart", "Sullivan", "Taylor", "Thomas", "Torres", "Turner",
    "Walker", "Ward", "Watson", "White", "Wood", "Wright", "Young",
)
_COMPANY_CORES = (
    "Acme", "Apex", "Atlas", "Beacon", "Birch", "Blue Ridge", "Cascade", "Cedar",
    "Clearwater", "Copper", "Crescent", "Delta", "Eagle", "Evergreen", "Falcon",
    "Frontier", "Granite", "Harbor", "Highland", "Horizon", "Iron", "Keystone", "Lakeside",
    "Liberty", "Maple", "Meridian", "Northstar", "Oak", "Pacific", "Pinnacle", "Prairie",
    "Redwood", "Riverside", "Sierra", "Silver", "Summit", "Sunrise", "Union", "Vertex",
    "Westfield",
)
_COMPANY_NOUNS = (
    "Office", "Supply", "Business", "Paper", "Furniture", "Systems", "Solutions",
    "Logistics", "Health", "Legal", "Dental", "Print", "Engineering", "Realty", "Foods",
    "Insurance", "Media", "Construction", "Consulting", "Education",
)
_COMPANY_LEGAL = ("Inc.", "LLC", "Corp.", "Co.", "Group", "Partners", "Ltd", "Associates")
# fmt: on


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _pick(rng: np.random.Generator, cdf: np.ndarray, size: int) -> np.ndarray:
    """Draw category codes from a cumulative distribution whose last entry is 1."""
    return np.searchsorted(cdf, rng.random(size), side="right").astype(np.int8)


def _cdf(weights: tuple[float, ...] | np.ndarray) -> np.ndarray:
    cdf = np.cumsum(np.asarray(weights, dtype=float))
    cdf /= cdf[-1]
    cdf[-1] = 1.0
    return cdf


def _unique(names: pd.Series, variant: pd.Series) -> pd.Series:
    """Make names unique: repeats take ``variant`` (e.g. a middle initial), then a number."""
    repeat = names.groupby(names, sort=False).cumcount()
    names = names.where(repeat == 0, variant)
    repeat = names.groupby(names, sort=False).cumcount()
    return names.where(repeat == 0, names + " " + (repeat + 1).astype("str"))


def _customer_names(rng: np.random.Generator, segment: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Names (persons, or companies for Corporate) and their two-letter initials."""
    n = len(segment)
    first = pd.Series(np.asarray(_FIRST_NAMES)[rng.integers(len(_FIRST_NAMES), size=n)])
    last = pd.Series(np.asarray(_LAST_NAMES)[rng.integers(len(_LAST_NAMES), size=n)])
    middle = pd.Series(np.asarray(list("ABCDEFGHJKLMNPRSTW"))[rng.integers(18, size=n)])
    core = pd.Series(np.asarray(_COMPANY_CORES)[rng.integers(len(_COMPANY_CORES), size=n)])
    noun = pd.Series(np.asarray(_COMPANY_NOUNS)[rng.integers(len(_COMPANY_NOUNS), size=n)])
    legal = pd.Series(np.asarray(_COMPANY_LEGAL)[rng.integers(len(_COMPANY_LEGAL), size=n)])
    company = pd.Series(segment == 1)
    plain = (first + " " + last).where(~company, core + " " + noun + " " + legal)
    variant = (first + " " + middle + ". " + last).where(
        ~company, core + " " + noun + " & " + last + " " + legal
    )
    names = _unique(plain, variant)
    initials = (first.str[0] + last.str[0]).where(~company, core.str[0] + noun.str[0])
    return names.to_numpy(dtype=object), initials.to_numpy(dtype=object)


def _catalogue(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Products ordered by category: IDs, list price and unit cost in cents, promotions."""
    sub = np.repeat(np.arange(len(_SUBCATEGORIES)), [s[2] for s in _SUBCATEGORIES])
    n = len(sub)
    median = np.array([s[3] for s in _SUBCATEGORIES])[sub]
    ratio = np.array([s[4] for s in _SUBCATEGORIES])[sub]
    promo = np.array([s[5] for s in _SUBCATEGORIES])[sub]
    category = np.array([_CATEGORIES.index(s[0]) for s in _SUBCATEGORIES])[sub]
    price_c = np.maximum(np.rint(median * rng.lognormal(0.0, 0.6, n) * 100.0), 100.0)
    ratio = np.clip(ratio + 0.04 + rng.normal(0.0, 0.06, n), 0.35, 0.97)
    numbers = 10_000_000 + np.sort(rng.choice(50_000, size=n, replace=False))
    ids = [
        f"{_SUBCATEGORIES[s][0]}-{_SUBCATEGORIES[s][1]}-{num:08d}"
        for s, num in zip(sub.tolist(), numbers.tolist(), strict=True)
    ]
    # Popularity within the category: a Zipf-like curve over a random ranking.
    weight = np.empty(n)
    cdf = np.empty(n)
    for c in range(len(_CATEGORIES)):
        idx = np.flatnonzero(category == c)
        rank = rng.permutation(idx.size)
        weight[idx] = 1.0 / (rank + 5.0) ** 0.8
        cdf[idx] = c + _cdf(weight[idx])  # category c occupies (c, c + 1]
    return {
        "id": np.asarray(ids, dtype=object),
        "category": category,
        "price_c": price_c,
        "cost_c": price_c * ratio,
        "promo": promo,
        "cdf": cdf,
    }


def _orders_per_customer(
    rng: np.random.Generator, size: np.ndarray, lines_per_order: np.ndarray, lines: int
) -> np.ndarray:
    """Orders per customer (at least one) so that the file has about ``lines`` lines.

    Customers share the lines by size; a customer that orders few lines at a time
    places proportionally more orders.
    """
    n = len(size)
    share = size / size.sum()
    weight = share / lines_per_order
    orders = max(n, round(lines * weight.sum()))
    counts = np.ones(n, dtype=np.int64)
    if orders > n:
        counts += rng.multinomial(orders - n, weight / weight.sum())
    return counts


def _ids(initials: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Customer IDs like ``CG-12520``: initials and a unique number of at least 5 digits.

    ``order`` is a permutation of the customers that sets who gets which number.
    """
    n = len(initials)
    step = max(1, min(15, 89_999 // n))
    numbers = 10_000 + step * (order + 1)
    return (pd.Series(initials) + "-" + pd.Series(numbers).astype("str")).to_numpy(object)


def _simulate(customers: int, seed: int, lines: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    n = customers

    # --- customers -------------------------------------------------------------------
    segment = _pick(rng, _cdf(_SEGMENT_SHARE), n)
    region = _pick(rng, _cdf(_REGION_SHARE), n)
    size = rng.lognormal(0.0, 1.15, n) * np.asarray(_SEGMENT_SIZE)[segment]
    style = rng.normal(size=n)  # high: many small, expedited, urgent orders
    p_lines = _sigmoid(-0.6 - 0.9 * style + rng.normal(0.0, 0.35, n))
    lam_qty = np.exp(1.0 - 0.35 * style + rng.normal(0.0, 0.2, n))
    expedite = _sigmoid(-1.6 + 1.5 * style + rng.normal(0.0, 0.5, n))
    urgency = 0.8 * style + rng.normal(0.0, 0.5, n)
    appetite = rng.lognormal(0.0, 0.7, n) * np.asarray(_REGION_DISCOUNT)[region]
    mix = np.cumsum(rng.dirichlet((1.5, 3.0, 2.0), n), axis=1)
    names, initials = _customer_names(rng, segment)
    ids_perm = rng.permutation(n)  # drawn here so that names and IDs stay independent

    # --- orders ----------------------------------------------------------------------
    counts = _orders_per_customer(rng, size, 1.0 + 5.0 * p_lines, lines)
    n_orders = int(counts.sum())
    o_cust = np.repeat(np.arange(n, dtype=np.int32), counts)
    days = np.arange(np.datetime64(FIRST_DAY), np.datetime64(LAST_DAY) + 1)
    age = (days - days[0]).astype(np.int64) / 365.25
    month = days.astype("datetime64[M]").astype(np.int64) % 12
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    day_weight = np.asarray(_MONTH_WEIGHT)[month] * np.asarray(_WEEKDAY_WEIGHT)[weekday] * 1.15**age
    o_day = np.searchsorted(_cdf(day_weight), rng.random(n_orders), side="right")
    o_day[0] = 0  # the period's first and last days both have orders
    o_day[-1] = len(days) - 1
    o_day = o_day.astype(np.int32)

    e = expedite[o_cust]
    u = rng.random(n_orders)
    same, first, second = 0.01 + 0.14 * e, 0.05 + 0.40 * e, 0.13 + 0.20 * e
    standard = 1.0 - same - first - second
    o_mode = (
        (u >= standard).astype(np.int8)
        + (u >= standard + second)
        + (u >= standard + second + first)
    ).astype(np.int8)
    latent = urgency[o_cust] + 0.5 * o_mode + rng.normal(0.0, 0.7, n_orders)
    o_prio = np.select([latent > 1.3, latent > 0.5, latent > -0.5], [0, 1, 2], 4)
    o_prio = np.where(rng.random(n_orders) < 0.12, 3, o_prio).astype(np.int8)
    ship_lo, ship_hi = _SHIP_LO[o_mode], _SHIP_HI[o_mode]
    o_ship = o_day + ship_lo + (rng.random(n_orders) * (ship_hi - ship_lo + 1)).astype(np.int32)
    o_lines = (1 + rng.binomial(5, p_lines[o_cust])).astype(np.int64)
    o_us = rng.random(n_orders) < 0.2

    # Order numbers rise with the date within each year, with small random gaps.
    sort = np.lexsort((rng.random(n_orders), o_day))
    o_cust, o_day, o_mode, o_prio, o_ship, o_lines, o_us = (
        a[sort] for a in (o_cust, o_day, o_mode, o_prio, o_ship, o_lines, o_us)
    )
    year = days.astype("datetime64[Y]").astype(np.int64) + 1970
    o_year = year[o_day]
    year_start = np.searchsorted(o_year, [2019, 2020, 2021, 2022])
    per_year = int(np.diff(year_start).max())
    gap = max(1, min(9, 899_999 // max(per_year, 1)))
    steps = np.cumsum(rng.integers(1, gap + 1, n_orders))
    before = np.concatenate(([0], steps))[year_start[:3]]
    o_number = 100_000 + steps - before[o_year - 2019]

    # --- special names and customers who moved ---------------------------------------
    busy = np.flatnonzero(counts >= 4)
    if busy.size < 4:
        busy = np.argsort(-counts, kind="stable")[: min(n, 4)]
    special = rng.choice(busy, size=min(2, busy.size), replace=False)
    for k, c in enumerate(special.tolist()):
        names[c] = (HTML_NAME, QUOTED_NAME)[k]
        initials[c] = _SPECIAL_INITIALS[k]
    customer_ids = _ids(initials, ids_perm)

    candidates = np.setdiff1d(np.flatnonzero(counts >= 4), special)
    n_moved = min(candidates.size, max(2, round(INCONSISTENT_SHARE * n)))
    moved_c = np.sort(rng.choice(candidates, size=n_moved, replace=False))
    changes_segment = np.zeros(n, dtype=bool)
    changes_region = np.zeros(n, dtype=bool)
    changes_segment[moved_c[0::2]] = True
    changes_region[moved_c[1::2]] = True
    changes_region[moved_c[4::10]] = True  # a few change both
    moves = changes_segment | changes_region
    new_segment = (segment + rng.integers(1, 3, n)) % 3
    new_region = (region + rng.integers(1, 4, n)) % 4
    cut = np.clip(np.rint(rng.uniform(0.25, 0.75, n) * counts), 1, counts - 1)
    # Rank of each order among its customer's orders (orders are sorted by date).
    by_customer = np.argsort(o_cust, kind="stable")
    starts = np.cumsum(counts) - counts
    rank = np.empty(n_orders, dtype=np.int64)
    rank[by_customer] = np.arange(n_orders) - starts[o_cust[by_customer]]
    total = np.bincount(o_cust, weights=o_lines, minlength=n)

    def after_cut() -> tuple[np.ndarray, np.ndarray]:
        moved = moves[o_cust] & (rank >= cut[o_cust])
        return moved, np.bincount(o_cust[moved], weights=o_lines[moved], minlength=n)

    moved, new_lines = after_cut()
    tie = moves & (2 * new_lines == total)
    cut = np.where(tie, np.where(cut > 1, cut - 1, cut + 1), cut)
    moved, new_lines = after_cut()
    o_segment = np.where(moved & changes_segment[o_cust], new_segment[o_cust], segment[o_cust])
    o_region = np.where(moved & changes_region[o_cust], new_region[o_cust], region[o_cust])
    new_wins = 2 * new_lines > total
    majority = {
        str(customer_ids[c]): (
            SEGMENTS[new_segment[c] if changes_segment[c] and new_wins[c] else segment[c]],
            REGIONS[new_region[c] if changes_region[c] and new_wins[c] else region[c]],
        )
        for c in moved_c.tolist()
    }

    # --- lines -----------------------------------------------------------------------
    cat_ = _catalogue(rng)
    line_order = np.repeat(np.arange(n_orders, dtype=np.int32), o_lines)
    n_lines = len(line_order)
    l_cust = o_cust[line_order]
    u = rng.random(n_lines)
    category = (u >= mix[l_cust, 0]).astype(np.int8) + (u >= mix[l_cust, 1])
    product = np.searchsorted(cat_["cdf"], category + rng.random(n_lines), side="right")
    product = product.astype(np.int32)
    quantity = 1 + np.minimum(rng.poisson(lam_qty[l_cust]), 13)
    p_heavy = np.minimum(0.07 * appetite[l_cust] * cat_["promo"][product], 0.85)
    heavy = rng.random(n_lines) < p_heavy
    u = rng.random(n_lines)
    discount = np.where(
        heavy,
        np.searchsorted(_cdf(_DISCOUNT_HEAVY), u, side="right"),
        np.searchsorted(_cdf(_DISCOUNT_NORMAL), u, side="right"),
    ).astype(np.int8)
    del u, heavy, p_heavy, category
    sales_c = np.rint(
        cat_["price_c"][product] * quantity * (1.0 - np.asarray(DISCOUNTS)[discount])
    ).astype(np.int64)
    cost_c = np.rint(cat_["cost_c"][product] * quantity * rng.lognormal(0.0, 0.03, n_lines)).astype(
        np.int64
    )
    profit_c = sales_c - cost_c
    del cost_c
    gain = profit_c > 0
    returned = gain & (rng.random(n_lines) < 0.01 / max(float(gain.mean()), 1e-9))
    sign = np.where(returned, -1, 1)
    quantity = (quantity * sign).astype(np.int16)
    sales_c *= sign
    profit_c *= sign

    frame = pd.DataFrame(
        {
            "row_id": np.arange(1, n_lines + 1, dtype=np.int64),
            "us": o_us[line_order],
            "order_year": o_year[line_order].astype(np.int16),
            "order_no": o_number[line_order].astype(np.int32),
            "order_day": o_day[line_order],
            "ship_day": o_ship[line_order].astype(np.int32),
            "ship_mode": o_mode[line_order],
            "priority": o_prio[line_order],
            "customer_id": pd.Categorical.from_codes(l_cust, categories=customer_ids),
            "customer_name": pd.Categorical.from_codes(l_cust, categories=names),
            "segment": o_segment[line_order].astype(np.int8),
            "region": o_region[line_order].astype(np.int8),
            "product_id": pd.Categorical.from_codes(product, categories=cat_["id"]),
            "quantity": quantity,
            "sales": sales_c / 100.0,
            "discount": discount,
            "profit": profit_c / 100.0,
        }
    )
    facts = {
        "lines": n_lines,
        "orders": n_orders,
        "customers": n,
        "products": len(cat_["id"]),
        "returns": int(returned.sum()),
        "loss_lines": int((profit_c < 0).sum()),
        "first_date": FIRST_DAY + dt.timedelta(days=int(o_day.min())),
        "last_date": FIRST_DAY + dt.timedelta(days=int(o_day.max())),
        "last_ship_date": FIRST_DAY + dt.timedelta(days=int(o_ship.max())),
        "sales": int(sales_c.sum()) / 100.0,
        "profit": int(profit_c.sum()) / 100.0,
        "inconsistent_segment": tuple(str(i) for i in customer_ids[changes_segment]),
        "inconsistent_region": tuple(str(i) for i in customer_ids[changes_region]),
        "majority": majority,
        "html_customer": str(customer_ids[special[0]]) if special.size else None,
        "quoted_customer": str(customer_ids[special[1]]) if special.size > 1 else None,
    }
    return {"frame": frame, "facts": facts}


_SELECT = f"""
SELECT
    row_id AS "Row ID",
    (CASE WHEN us THEN 'US-' ELSE 'CA-' END) || order_year::VARCHAR || '-' || order_no::VARCHAR
        AS "Order ID",
    strftime(DATE '{FIRST_DAY.isoformat()}' + order_day, '%d/%m/%y') AS "Order Date",
    strftime(DATE '{FIRST_DAY.isoformat()}' + ship_day, '%d/%m/%y') AS "Ship Date",
    ({list(SHIP_MODES)})[ship_mode + 1] AS "Ship Mode",
    ({list(PRIORITIES)})[priority + 1] AS "Order Priority",
    customer_id AS "Customer ID",
    customer_name AS "Customer Name",
    ({list(SEGMENTS)})[segment + 1] AS "Segment",
    ({list(REGIONS)})[region + 1] AS "Region",
    product_id AS "Product ID",
    quantity AS "Quantity",
    sales::DECIMAL(18, 2) AS "Sales",
    ({list(_DISCOUNT_TEXT)})[discount + 1] AS "Discount",
    profit::DECIMAL(18, 2) AS "Profit"
FROM frame
"""


def write_wide_export(
    path: str | Path, customers: int = 300, seed: int = 11, *, lines: int | None = None
) -> dict[str, Any]:
    """Write a one-file ERP/BI export of order lines (see the module docstring).

    Parameters
    ----------
    path : the CSV file to write; its folder is created if missing.
    customers : number of customers (at least 1).
    seed : seed of ``numpy.random.default_rng``; the same arguments give the same bytes.
    lines : about how many order lines to write; ``None`` gives about
        :data:`LINES_PER_CUSTOMER` per customer. Every customer has at least one order,
        so a file never has fewer lines than customers.

    Returns
    -------
    dict
        Facts for tests: ``path``, ``bytes``, ``lines``, ``orders``, ``customers``,
        ``products`` (in the catalogue), ``returns`` (return lines), ``loss_lines``
        (lines with negative profit), ``first_date`` and ``last_date`` (order dates),
        ``last_ship_date``, ``sales`` and ``profit`` (totals), ``inconsistent_segment``
        and ``inconsistent_region`` (IDs of customers whose segment or region changes),
        ``majority`` (their most frequent segment and region, counted in lines, by ID),
        ``html_customer`` and ``quoted_customer`` (IDs of the tricky names).
    """
    if customers < 1:
        raise ValueError("customers must be at least 1")
    target = LINES_PER_CUSTOMER * customers if lines is None else int(lines)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    sim = _simulate(customers, seed, max(target, 1))
    frame, facts = sim.pop("frame"), sim.pop("facts")
    target_sql = str(out).replace("'", "''")
    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")
        con.register("frame", frame)
        con.execute(f"COPY ({_SELECT}) TO '{target_sql}' (FORMAT CSV, HEADER, DELIMITER ',')")
        con.unregister("frame")
    del frame
    return {"path": str(out), "bytes": out.stat().st_size, **facts}
