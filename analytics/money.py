"""Money to the cent: the one rounding rule of ProfitLens.

Every amount is rounded *per value* to the cent, half away from zero on its shortest
decimal spelling: 0.125 -> 0.13 and 1.005 -> 1.01 (their binary floats lie just below
the half, so ``round`` and ``numpy.round`` give 0.12 and 1.0), -1.005 -> -1.01. Float
noise vanishes: -867.4899999999998 and -867.49 are the same -86,749 cents. NaN and
infinities pass through :func:`round_money` unchanged; :func:`to_cents` refuses them.

The rule is vectorised: a value is a half exactly when it *is* the float nearest to
``(whole cents + 0.5) / 100``, which is what its shortest spelling says, so no value is
turned into text.

Example
-------
>>> round_money(0.125), round_money(-1.005), round_money(-867.4899999999998)
(0.13, -1.01, -867.49)
>>> to_cents(-867.4899999999998) == to_cents(-867.49) == -86749
True
>>> round_money(pd.Series([2.675, float("nan")])).tolist()
[2.68, nan]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

INT64_CENTS = 2.0**63  # int64 holds fewer cents than this


def whole_cents(values) -> np.ndarray:
    """Each value in whole cents, as floats (NaN and infinities kept), half away from zero.

    >>> whole_cents([0.125, -0.125, 0.005, -0.004]).tolist()
    [13.0, -13.0, 1.0, 0.0]
    """
    values = np.asarray(values, dtype=float)
    magnitude = np.abs(values)
    with np.errstate(invalid="ignore"):
        floor = np.floor(magnitude * 100.0)
        # The float nearest the half cent above ``floor`` rounds up, as do larger values;
        # comparing with it, not with ``magnitude * 100``, keeps 1.005 a half.
        up = magnitude >= (floor + 0.5) / 100.0
    return np.copysign(floor + up, values) + 0.0  # + 0.0: no negative zero


def round_money(values):
    """Money rounded to the cent (see the module docstring), per value.

    A number gives a float, a Series a Series (same index and name), anything else an
    array; NaN stays NaN.
    """
    rounded = whole_cents(values) / 100.0
    if isinstance(values, pd.Series):
        return pd.Series(rounded, index=values.index, name=values.name)
    if np.ndim(values) == 0:
        return float(rounded)
    return rounded


def to_cents(values):
    """Money as integer cents: an ``int`` for a number, an int64 array otherwise.

    Raises ValueError on NaN or an infinity (a missing amount has no cents), and on an
    amount beyond int64 cents (about ±92 trillion), which would otherwise wrap around.

    >>> to_cents(1.005), to_cents([0.1, -0.015]).tolist()
    (101, [10, -2])
    """
    cents = whole_cents(values)
    if not np.isfinite(cents).all():
        raise ValueError("money must be a finite number to count its cents")
    if np.ndim(values) and (np.abs(cents) >= INT64_CENTS).any():
        raise ValueError("money beyond 92,233,720,368,547.75 in size cannot be counted "
                         "in cents")
    if np.ndim(values) == 0:
        return int(cents)
    return cents.astype(np.int64)


def from_cents(cents):
    """Integer cents back to money (a float, or a float array).

    >>> from_cents(101), from_cents([-2, 10]).tolist()
    (1.01, [-0.02, 0.1])
    """
    if np.ndim(cents) == 0:
        return int(cents) / 100
    return np.asarray(cents, dtype=np.int64) / 100.0
