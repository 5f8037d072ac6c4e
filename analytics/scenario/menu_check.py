"""Anderson & Narus's menu check: is buying everything à la carte dearer than the bundle?

Example
-------
>>> import numpy as np
>>> usage = np.array([[2.0, 1.0], [0.0, 3.0]])
>>> check = check_menu(usage, np.array([1000.0, 500.0]), np.array([10.0, 5.0]), None, -2.0)
>>> check.collaborative_customers, check.menu_total, check.bundle_premium, check.consistent
(1, 25.0, 20.0, True)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from analytics.money import round_money

# A collaborative customer uses more than this share of the services on the menu.
COLLABORATIVE_SHARE = 0.5


@dataclass(frozen=True)
class MenuCheck:
    """Anderson & Narus's consistency test for the collaborative customers.

    *Collaborative* customers use (usage > 0) more than half of the services on the menu
    (activities with a fee). Their *menu total* is what the services they use today
    would cost at the menu's fees (today's usage, before any response); the *bundle
    premium* is the core price reduction they give up by keeping the full-service
    bundle: -core price change x their net revenue. The menu is consistent when the
    menu total exceeds the bundle premium (the bundle is cheaper to provide, so buying
    everything à la carte must cost more than the bundle).
    """

    applicable: bool
    collaborative_customers: int
    menu_total: float
    bundle_premium: float
    consistent: bool
    undercut_customers: int
    note: str

    def as_dict(self) -> dict:
        out = asdict(self)
        out["menu_total"] = round_money(self.menu_total)
        out["bundle_premium"] = round_money(self.bundle_premium)
        return out


def check_menu(
    usage: np.ndarray,
    net_revenue: np.ndarray,
    fee: np.ndarray,
    mask: np.ndarray | None,
    core_price_change_pct: float,
) -> MenuCheck:
    """Anderson & Narus's test of the menu against the full-service bundle.

    Parameters
    ----------
    usage : today's driver quantities, customers x activities.
    net_revenue : per customer.
    fee : the menu's fee per unit of each activity (0: not on the menu).
    mask : the customers in the scenario's scope (None: everybody).
    core_price_change_pct : the scenario's core price change.

    See :class:`MenuCheck` for the definitions.
    """
    on_menu = np.flatnonzero(fee > 0)
    premium_share = -core_price_change_pct / 100.0
    if on_menu.size == 0:
        return MenuCheck(False, 0, 0.0, 0.0, True, 0, "No service carries a fee.")
    used = (usage[:, on_menu] > 0).sum(axis=1)
    collaborative = used > COLLABORATIVE_SHARE * on_menu.size
    if mask is not None:
        collaborative &= mask
    count = int(collaborative.sum())
    if count == 0:
        return MenuCheck(
            False, 0, 0.0, 0.0, True, 0,
            "No customer uses more than half of the services on the menu.",
        )
    menu_each = usage[collaborative][:, on_menu] @ fee[on_menu]
    premium_each = premium_share * net_revenue[collaborative]
    if premium_share <= 0:
        return MenuCheck(
            False, count, float(menu_each.sum()), 0.0, True, 0,
            "The core price is not lowered: there is no bundle premium to compare.",
        )
    menu_total, premium = float(menu_each.sum()), float(premium_each.sum())
    consistent = menu_total > premium
    undercut = int((menu_each <= premium_each).sum())
    note = (
        "The menu prices of the services collaborative customers use add up to more "
        "than the bundle premium."
        if consistent
        else "Warning: the menu undercuts the full-service bundle: collaborative "
        "customers pay less à la carte than the premium the bundle carries."
    )
    return MenuCheck(True, count, menu_total, premium, consistent, undercut, note)

