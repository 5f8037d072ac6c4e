"""The import contract: the tables a dataset may hold and the columns of each.

Declared once here; the importer, the data dictionary's checks, the templates and the
upload page all read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("id", "text", "money", "number", "date", "boolean", "choice")
# What a boolean cell may say (case-insensitive, trimmed); an empty cell is unknown (NULL),
# never false.
TRUE_WORDS = ("true", "yes", "y", "1")
FALSE_WORDS = ("false", "no", "n", "0")
# DuckDB type of each column kind once parsed.
SQL_TYPES = {
    "id": "VARCHAR",
    "text": "VARCHAR",
    "money": "DECIMAL(18,4)",
    "number": "DOUBLE",
    "date": "DATE",
    "boolean": "BOOLEAN",
    "choice": "VARCHAR",  # stored lower case, inner spaces and hyphens as "_"
}


# The relationship spectrum (DOMAIN.md section 8), from transactional to collaborative.
RELATIONSHIPS = ("transactional", "value_adding", "collaborative")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = False
    not_empty: bool = False  # every row must have a value
    minimum: str | None = None  # None, "zero" (>= 0) or "positive" (> 0)
    description: str = ""
    # False for an input that only derives a stored column (gross_profit -> cogs).
    stored: bool = True
    # The values a "choice" column accepts, as stored.
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    required: bool
    description: str

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def stored(self) -> tuple[Column, ...]:
        """The columns of the table as stored (derived-only inputs left out)."""
        return tuple(c for c in self.columns if c.stored)

    @property
    def required_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "transactions",
            (
                Column("customer_id", "id", True, True, description="The customer billed."),
                Column("date", "date", True, True, description="Invoice date."),
                Column(
                    "net_revenue", "money", True, True,
                    description="What the customer pays for the line, after every discount; "
                    "negative for credit notes and returns.",
                ),
                Column("order_id", "id", description="The order the line belongs to."),
                Column("product_id", "id", description="The product sold."),
                Column("quantity", "number", description="Units sold (negative for returns)."),
                Column(
                    "list_revenue", "money",
                    description="The line at list price; defaults to net_revenue (no discount).",
                ),
                Column(
                    "cogs", "money",
                    description="Cost of the goods sold; defaults to 0, and net margin then "
                    "equals net revenue.",
                ),
                Column(
                    "gross_profit", "money", stored=False,
                    description="Net revenue minus the cost of the goods (a profit or margin "
                    "column): COGS = net_revenue - gross_profit. Instead of cogs.",
                ),
                Column(
                    "unit_cost", "money", stored=False,
                    description="Cost of one unit sold: COGS = unit_cost x quantity. Instead "
                    "of cogs; needs quantity.",
                ),
                Column(
                    "discount", "number", stored=False,
                    description="Discount rate of the line, as a fraction (0.2) or a "
                    "percentage (20): list_revenue = net_revenue / (1 - rate). Instead of "
                    "list_revenue.",
                ),
            ),
            True,
            "Invoice lines, one row per line.",
        ),
        Table(
            "activities",
            (
                Column("customer_id", "id", True, True, description="The customer served."),
                Column(
                    "activity", "id", True, True,
                    description="The activity; must have a rate in rates.",
                ),
                Column(
                    "quantity", "number", True, True, "zero",
                    description="Driver volume: orders, change orders, support hours...",
                ),
                Column(
                    "date", "date",
                    description="When; a row without a date is prorated to a chosen period "
                    "by its share of the data's span, as capacity is.",
                ),
                Column("order_id", "id", description="The order the activity served."),
            ),
            False,
            "Service activity per customer (driver volumes).",
        ),
        Table(
            "rates",
            (
                Column("activity", "id", True, True, description="Activity name."),
                Column(
                    "cost_per_unit", "number", minimum="zero",
                    description="Cost per driver unit, for activities costed directly.",
                ),
                Column(
                    "resource", "id",
                    description="The resource group that performs it (time-driven ABC).",
                ),
                Column(
                    "unit_time", "number", minimum="zero",
                    description="Time per driver unit, in the resource's capacity unit.",
                ),
                Column(
                    "relationship", "boolean",
                    description="Marks the activity as relationship investment (visits, "
                    "account management, guest engineers, joint teams): true/false, yes/no, "
                    "1/0 or y/n; empty: no.",
                ),
            ),
            False,
            "The rate card: a row gives either cost_per_unit, or resource and unit_time.",
        ),
        Table(
            "resources",
            (
                Column("resource", "id", True, True, description="Resource group name."),
                Column(
                    "cost", "number", True, True, "zero",
                    description="Cost of the capacity supplied over the data period.",
                ),
                Column(
                    "capacity", "number", True, True, "positive",
                    description="Practical capacity over the data period (same time unit as "
                    "unit_time).",
                ),
            ),
            False,
            "Resource groups for time-driven ABC.",
        ),
        Table(
            "customers",
            (
                Column("customer_id", "id", True, True, description="Customer key."),
                Column("name", "text", description="Customer name."),
                Column("segment", "text", description="Segment."),
                Column("region", "text", description="Region."),
                Column("since", "date", description="First purchase or contract date."),
                Column(
                    "wallet", "money", minimum="zero",
                    description="The customer's total spend in the category.",
                ),
                Column(
                    "referrals", "number", minimum="zero",
                    description="Referrals or word-of-mouth endorsements the customer gave; "
                    "empty: unknown.",
                ),
                Column(
                    "co_development", "boolean",
                    description="Collaborates on new products: true/false, yes/no, 1/0 or "
                    "y/n; empty: unknown.",
                ),
                Column(
                    "invests", "boolean",
                    description="Invests in the supplier: true/false, yes/no, 1/0 or y/n; "
                    "empty: unknown.",
                ),
                Column(
                    "relationship", "choice", choices=RELATIONSHIPS,
                    description="The relationship the customer wants: transactional, "
                    "value_adding or collaborative; empty: unknown.",
                ),
            ),
            False,
            "Customer master data.",
        ),
    )
}
# Inputs that derive one stored column: at most one per target in a mapping.
DERIVED = {"cogs": ("cogs", "gross_profit", "unit_cost"), "list_revenue": ("list_revenue",
                                                                          "discount")}
TABLE_ORDER = ("transactions", "activities", "rates", "resources", "customers")
EXTENSIONS = (".csv", ".xlsx", ".parquet")


def normalise_header(name: str) -> str:
    """Header as matched against the contract: trimmed, lower case, inner spaces as ``_``."""
    text = str(name).replace("\ufeff", "").strip().lower()
    return re.sub(r"[\s\-]+", "_", text)
