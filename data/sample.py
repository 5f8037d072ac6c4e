"""Seeded, deterministic generator of a realistic B2B supplier's data set.

The five tables follow the import contract (``transactions``, ``activities``, ``rates``,
``resources``, ``customers``) and are generated fully vectorised with numpy, so 100,000
customers and six million invoice lines take seconds.

The firm
--------
A European industrial distributor sells a catalogue of components to business
customers. Every customer belongs to one of four segments; three are the groups of
the Hewlett-Packard closing case (DOMAIN.md §9):

* **Premium service** (group A) wants variety and customised service and pays for it:
  small discounts, long-tail products with fat margins, manual orders, changes, custom
  packaging, visits and support.
* **Price-driven** (group B) wants quality at a rock-bottom price and little else:
  large standard EDI orders of fast movers, big discounts, hardly any service.
* **Demanding** (group C) wants extensive service *and* rock-bottom prices: big
  discounts, small frequent orders, changes, rescheduling, expedites, complaints,
  returns, overdue invoices, visits and support.
* **Passive** customers pay a good price and ask for little service.

Customer size is lognormal (a few large accounts, a long tail of small ones). Size
drives the number of invoice lines, order size and the volume of account-level
services; small accounts place small orders, key in more of them by hand and still
carry a credit review, so they tend to lose money. Every behavioural rate of a
customer is its segment's rate times individual noise and a shared *service appetite*,
so cost to serve varies continuously within a segment and large accounts land at both
ends of the whale curve: large Passive and Price-driven accounts earn most of the
profit, large Demanding accounts with a big appetite lose the most (only a large buyer
can be a large loss). One very large, long-standing Demanding account is modelled on
Kanthal's GE appliance division (DOMAIN.md §3, :data:`KEY_ACCOUNT`): its orders are
changed, rescheduled and expedited so often that each costs about four times a normal
order, which makes it one of the biggest losses.

How driver volumes arise
------------------------
Orders are drawn first (business days, seasonal, slowly growing), then their invoice
lines and a few credit notes (about 1 % of lines, returned in part a few days later).
Order-level drivers are drawn per order from the customer's behaviour: EDI or manual
entry, number of changes and reschedules, expedited or not, custom packaging,
complaints, overdue invoices; *small order handling* counts orders whose net value
is below :data:`SMALL_ORDER_VALUE`, *order line picking* counts invoice lines and
*returns handling* credit-note lines. Account-level drivers (sales visits, support
cases, pre-sales projects, training sessions, credit reviews) are monthly Poisson
counts whose rate grows with customer size and appetite. Volumes are summed per
customer, activity and month.

Resources and rates
-------------------
Time-driven ABC (DOMAIN.md §3): each activity has a unit time on one resource (minutes
in the office and warehouse, hours for field work); freight carries a direct cost per
shipment instead. Practical capacity is set *after* the volumes are known so that
74-92 % of it is used. Resource cost is capacity x a capacity cost rate: the nominal
rates of :data:`RESOURCES`, scaled by one common factor (close to 1) so that the
customer base as a whole earns :data:`TARGET_MARGIN` on net revenue. That anchors the
whale curve's percentages of total profit, which would otherwise swing with the luck
of a few large accounts.

Scale and stability
-------------------
Up to 2,000 customers each has 150 invoice lines on average; above that the average
falls slowly to 62 (6.2 million lines for 100,000 customers), and account-level
rates fall with it so that the economics per customer do not depend on the number of
customers. Sizes are drawn by Latin hypercube sampling, and segments and appetites
along Weyl sequences over the size ranking, so every seed gets the same mix of large
and small accounts in every segment.

Example
-------
>>> tables = generate(customers=50, seed=1, years=1)
>>> sorted(tables)
['activities', 'customers', 'rates', 'resources', 'transactions']
>>> tables["customers"]["customer_id"].iloc[0]
'C00001'
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

import duckdb
import numpy as np
import pandas as pd

__all__ = [
    "ACTIVITIES",
    "KEY_ACCOUNT",
    "REGIONS",
    "RESOURCES",
    "SEGMENTS",
    "TABLES",
    "generate",
    "lines_per_customer",
    "write_sample",
]

TABLES = ("transactions", "activities", "rates", "resources", "customers")


class Resource(NamedTuple):
    """A resource group: the time unit of its capacity and its nominal capacity cost rate.

    ``cost_rate`` is currency per time unit; the generator scales all of them by one
    common factor (see :data:`TARGET_MARGIN`) before costing the capacity.
    """

    name: str
    unit: str
    cost_rate: float


class Activity(NamedTuple):
    """An activity: either a unit time on a resource, or a direct cost per driver unit."""

    name: str
    driver: str
    resource: str | None = None
    unit_time: float | None = None
    cost_per_unit: float | None = None
    relationship: bool = False  # relationship investment (the rate card's flag)


class Segment(NamedTuple):
    """Behaviour of a customer segment; rates are for a median-sized customer.

    Order-level rates are per order, account-level rates per year.
    """

    name: str
    share: float  # share of customers
    discount: float  # mean invoice discount off list
    lines_per_order: float
    line_value: float  # typical list value of an invoice line, in currency units
    order_size_exp: float  # elasticity of order size to customer size
    manual: float  # share of orders entered by hand (not EDI)
    changes: float  # order changes per order
    reschedules: float  # delivery dates moved per order
    expedite: float  # share of orders delivered expedited
    packaging: float  # share of orders with custom packaging
    complaint: float  # complaints per order
    overdue: float  # overdue invoices needing a collection call, per order
    visits: float  # sales visits per year
    support: float  # technical support cases per year
    presales: float  # pre-sales engineering projects per year
    training: float  # training sessions per year
    credit: float  # credit reviews per year
    service_exp: float  # elasticity of account-level services to customer size
    returns: float  # relative propensity to return goods
    catalogue_focus: float  # >1 buys mostly standard fast movers, <1 buys the long tail
    wallet_share: float  # mean share of the customer's category spend we get


RESOURCES = (
    Resource("Customer service", "minutes", 0.80),
    Resource("Logistics", "minutes", 0.70),
    Resource("Technical support", "hours", 95.0),
    Resource("Field sales", "hours", 140.0),
)

ACTIVITIES = (
    Activity("Order entry (EDI)", "orders received by EDI", "Customer service", 6.0),
    Activity("Order entry (manual)", "orders keyed in by hand", "Customer service", 40.0),
    Activity("Order change", "changes to an existing order", "Customer service", 50.0),
    Activity("Complaint handling", "complaints", "Customer service", 220.0),
    Activity("Credit check", "credit reviews", "Customer service", 250.0),
    Activity("Collection call", "overdue invoices chased", "Customer service", 25.0),
    Activity("Order picking & dispatch", "shipments", "Logistics", 30.0),
    Activity("Order line picking", "invoice lines", "Logistics", 4.0),
    Activity("Expedited delivery", "expedited shipments", "Logistics", 150.0),
    Activity("Delivery rescheduling", "deliveries moved to a new date", "Logistics", 50.0),
    Activity("Small order handling", "orders below the minimum value", "Logistics", 25.0),
    Activity("Custom packaging", "orders with custom packaging", "Logistics", 30.0),
    Activity("Returns handling", "credit-note lines", "Logistics", 45.0),
    Activity("Technical support case", "support cases", "Technical support", 1.5),
    Activity("Pre-sales engineering", "engineering projects", "Technical support", 12.0),
    Activity("Training session", "training sessions", "Technical support", 6.0),
    # Sales visits are selling, every account gets them after its size: not flagged as
    # relationship investment (flagged, every large transactional account would look
    # overdesigned and the planted ones would drown).
    Activity("Sales visit", "visits", "Field sales", 4.0),
    Activity("Freight", "standard shipments", cost_per_unit=55.0),
    Activity("Express freight", "expedited shipments", cost_per_unit=95.0),
    # Relationship investment (DOMAIN.md section 8), drawn from the relationship the
    # account is served as: account reviews, and guest engineers in joint teams.
    Activity("Account management", "account reviews", "Field sales", 3.0, relationship=True),
    Activity("Joint development", "guest engineer days", "Technical support", 8.0,
             relationship=True),
)


# fmt: off
SEGMENTS = (
    # Group A: variety and customised service, paid for with a price premium.
    Segment(
        name="Premium service", share=0.24, discount=0.04,
        lines_per_order=2.6, line_value=380.0, order_size_exp=0.15,
        manual=0.45, changes=0.25, reschedules=0.08, expedite=0.10, packaging=0.35,
        complaint=0.020, overdue=0.03,
        visits=1.2, support=1.2, presales=0.5, training=0.5, credit=0.6, service_exp=1.1,
        returns=1.2, catalogue_focus=0.6, wallet_share=0.55,
    ),
    # Group B: quality at a rock-bottom price, large standard EDI orders, no frills.
    Segment(
        name="Price-driven", share=0.26, discount=0.22,
        lines_per_order=6.0, line_value=520.0, order_size_exp=0.30,
        manual=0.05, changes=0.04, reschedules=0.02, expedite=0.02, packaging=0.02,
        complaint=0.006, overdue=0.02,
        visits=1.0, support=0.5, presales=0.1, training=0.1, credit=0.6, service_exp=1.0,
        returns=0.7, catalogue_focus=1.3, wallet_share=0.30,
    ),
    # Group C: extensive service at a rock-bottom price, switches freely.
    Segment(
        name="Demanding", share=0.32, discount=0.18,
        lines_per_order=2.6, line_value=380.0, order_size_exp=0.10,
        manual=0.45, changes=0.30, reschedules=0.15, expedite=0.15, packaging=0.25,
        complaint=0.030, overdue=0.10,
        visits=0.8, support=0.8, presales=0.4, training=0.6, credit=0.9, service_exp=1.2,
        returns=1.5, catalogue_focus=0.8, wallet_share=0.35,
    ),
    # Good price, little service: rare and valuable.
    Segment(
        name="Passive", share=0.18, discount=0.07,
        lines_per_order=4.0, line_value=450.0, order_size_exp=0.25,
        manual=0.15, changes=0.05, reschedules=0.02, expedite=0.02, packaging=0.02,
        complaint=0.006, overdue=0.02,
        visits=0.8, support=0.4, presales=0.05, training=0.05, credit=0.6, service_exp=1.0,
        returns=0.6, catalogue_focus=1.0, wallet_share=0.60,
    ),
)
# fmt: on


class KeyAccount(NamedTuple):
    """The Kanthal-like account (DOMAIN.md §3): very large, coveted, drowning in changes.

    Its behaviour replaces the drawn behaviour of the customer of rank ``size_rank`` by
    size; order-level rates are per order, as in :class:`Segment`.
    """

    name: str = "Lindner Hausgeräte AG"
    segment: str = "Demanding"
    region: str = "DACH"
    since: str = "1996-03-01"
    size_rank: int = 1  # 0 = the largest customer, 1 = the second largest...
    discount: float = 0.24
    lines_per_order: float = 3.0
    line_value: float = 700.0
    manual: float = 0.15  # EDI orders, but every change comes by phone
    changes: float = 5.0
    reschedules: float = 3.5
    expedite: float = 0.9
    packaging: float = 0.30
    complaint: float = 0.15
    overdue: float = 0.05
    service: float = 0.6  # multiplier on its segment's account-level service rates
    wallet_share: float = 0.7


KEY_ACCOUNT = KeyAccount()

# --- relationships (DOMAIN.md sections 7-9) ------------------------------------------
# The relationship spectrum, and the share of each segment wanting each kind
# (transactional, value_adding, collaborative): group A wants close relationships,
# group B transactions, group C mostly transactions (and switches freely).
RELATIONSHIP_KINDS = ("transactional", "value_adding", "collaborative")
RELATIONSHIP_MIX = MappingProxyType({
    "Premium service": (0.15, 0.50, 0.35),
    "Price-driven": (0.80, 0.20, 0.00),
    "Demanding": (0.55, 0.35, 0.10),
    "Passive": (0.40, 0.50, 0.10),
})
# Relationship investment per year for a median-sized account served as each kind:
# account reviews and guest engineer days.
ACCOUNT_REVIEWS = (0.2, 1.0, 3.0)
GUEST_ENGINEER_DAYS = (0.0, 0.15, 0.8)
# Share of transactional accounts (of above-median size) served as collaborative ones:
# overdesigned relationships, cost without return.
OVERDESIGNED_SHARE = 0.05
# Share of the established customers of each segment lost during the period (group C
# switches freely), and of customers whose buying grows or shrinks markedly.
LOSS_RATE = MappingProxyType({
    "Premium service": 0.05, "Price-driven": 0.10, "Demanding": 0.16, "Passive": 0.06,
})
GROWING_SHARE = MappingProxyType({
    "Premium service": 0.20, "Price-driven": 0.15, "Demanding": 0.30, "Passive": 0.15,
})
SHRINKING_SHARE = 0.18
# Intake tilt of a growing (shrinking) customer: its order intake at the end of the period
# is exp(TREND_TILT) times (1 / that) its intake at the start.
TREND_TILT = 1.3
# Loyalty evidence per relationship kind: mean referrals over the relationship, share
# co-developing products, share investing in the supplier.
REFERRALS = (0.2, 0.8, 2.0)
CO_DEVELOPMENT = (0.01, 0.10, 0.60)
INVESTS = (0.0, 0.03, 0.25)
# Share of empty cells per customers column, as in real master data.
GAPS = MappingProxyType({
    "since": 0.06, "wallet": 0.15, "referrals": 0.30, "co_development": 0.35,
    "invests": 0.45, "relationship": 0.20,
})


class Region(NamedTuple):
    """A sales region with the word lists its company names are built from."""

    name: str
    share: float
    prefixes: tuple[str, ...]
    cores: tuple[str, ...]
    legal: tuple[str, ...]
    cities: tuple[str, ...]


# fmt: off
REGIONS = (
    Region(
        "Nordics", 0.17,
        ("Nordic", "Lund", "Berg", "Dahl", "Holm", "Viking", "Fjord", "Norrland", "Svea",
         "Göta", "Ek", "Strand", "Lindqvist", "Sandvik", "Björk", "Falk", "Hedlund",
         "Nyberg", "Sjöberg", "Åström", "Karlsson", "Norden", "Baltic", "Skandia",
         "Bergslagen", "Dalarna", "Kalmar", "Vänern", "Aurora", "Polar", "Tromsø",
         "Bergen", "Aalborg", "Jutland", "Tampere", "Karelia", "Oulu", "Hansen",
         "Lindgren", "Nordhav"),
        ("Fasteners", "Industri", "Mekaniska", "Verkstad", "Hydraulik", "Components",
         "Teknik", "Automation", "Elektro", "Maskin", "Stål", "Verktyg", "Bearings",
         "Pumps", "Motion", "Plast", "Metall", "Process", "Industrial Supply",
         "Engineering", "Drives", "Valves", "Tooling", "Lifting", "Gear"),
        ("AB", "AS", "Oy", "A/S"),
        ("Stockholm", "Gothenburg", "Malmö", "Oslo", "Bergen", "Copenhagen", "Aarhus",
         "Helsinki", "Tampere", "Västerås"),
    ),
    Region(
        "DACH", 0.24,
        ("Keller", "Müller", "Schneider", "Fischer", "Weber", "Wagner", "Becker",
         "Hoffmann", "Schäfer", "Koch", "Richter", "Klein", "Wolf", "Brandt", "Vogel",
         "Huber", "Gruber", "Steiner", "Baumann", "Zimmermann", "Alpen", "Rhein", "Donau",
         "Bodensee", "Schwarzwald", "Ruhr", "Saale", "Harz", "Allgäu", "Tirol", "Hansa",
         "Elbe", "Neckar", "Main", "Isar", "Lech", "Mosel", "Spree", "Bayern", "Sachsen"),
        ("Industrietechnik", "Maschinenbau", "Antriebstechnik", "Metallbau", "Hydraulik",
         "Elektrotechnik", "Fördertechnik", "Verbindungstechnik", "Präzisionsteile",
         "Automatisierung", "Werkzeugbau", "Anlagenbau", "Kunststofftechnik",
         "Stahlhandel", "Lagertechnik", "Pumpen", "Armaturen", "Feinmechanik",
         "Dichtungstechnik", "Zerspanung", "Messtechnik", "Schweißtechnik",
         "Oberflächentechnik", "Montagetechnik", "Gerätebau"),
        ("GmbH", "AG", "GmbH & Co. KG", "KG"),
        ("Stuttgart", "München", "Hamburg", "Köln", "Düsseldorf", "Nürnberg", "Wien", "Linz",
         "Zürich", "Basel"),
    ),
    Region(
        "Benelux", 0.13,
        ("Van Dijk", "Jansen", "De Vries", "Bakker", "Visser", "Smit", "Meijer", "De Boer",
         "Mulder", "Bos", "Vos", "Peeters", "Maes", "Janssens", "Claes", "Willems",
         "Wouters", "Delta", "Maas", "Schelde", "Zeeland", "Brabant", "Limburg", "Holland",
         "Twente", "Flevo", "Kempen", "Ardennes", "Hollandia", "Vermeer", "Eindhoven",
         "Groningen", "Gent", "Antwerpen", "Utrecht", "Noord", "Polder", "Lux", "Hendriks",
         "Dekker"),
        ("Techniek", "Industrie", "Bevestigingstechniek", "Hydrauliek", "Aandrijvingen",
         "Metaalwerken", "Components", "Engineering", "Machinebouw", "Automatisering",
         "Elektrotechniek", "Kunststoffen", "Pompen", "Lagers", "Gereedschappen",
         "Procestechniek", "Installatietechniek", "Transmissies", "Verpakking", "Staal",
         "Precision", "Supply", "Industrial", "Valves", "Tooling"),
        ("B.V.", "N.V.", "BV"),
        ("Rotterdam", "Amsterdam", "Eindhoven", "Utrecht", "Antwerp", "Ghent", "Brussels",
         "Liège", "Luxembourg", "Tilburg"),
    ),
    Region(
        "UK & Ireland", 0.18,
        ("Thames", "Whitfield", "Pennine", "Harrison", "Clyde", "Severn", "Mersey", "Tyne",
         "Cotswold", "Sheffield", "Midland", "Albion", "Britannia", "Kingsway", "Ashford",
         "Barrett", "Cartwright", "Fletcher", "Hughes", "Kendall", "Lancaster", "Marshall",
         "Palmer", "Sutton", "Walker", "Wright", "Brennan", "Donegal", "Shannon", "Liffey",
         "Kerry", "Caledonian", "Highland", "Northgate", "Westbury", "Hadley", "Fairfield",
         "Oakwood", "Redbridge", "Stirling"),
        ("Fasteners", "Engineering", "Industrial Supplies", "Components", "Precision",
         "Hydraulics", "Bearings", "Tooling", "Fabrications", "Automation",
         "Pumps & Valves", "Electrical", "Drives", "Castings", "Seals", "Power Transmission",
         "Instruments", "Process Equipment", "Plastics", "Metalworks", "Machine Tools",
         "Lifting Gear", "Controls", "Pneumatics", "Packaging"),
        ("Ltd", "plc", "Limited", "& Sons Ltd"),
        ("Birmingham", "Manchester", "Leeds", "Sheffield", "Glasgow", "Bristol", "Newcastle",
         "Belfast", "Dublin", "Cork"),
    ),
    Region(
        "France", 0.13,
        ("Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Bonnet", "Mercier", "Fontaine",
         "Chevalier", "Rousseau", "Blanchard", "Garnier", "Faure", "André", "Renaud",
         "Rhône", "Garonne", "Loire", "Seine", "Alsace", "Lorraine", "Provence", "Bretagne",
         "Normandie", "Dauphiné", "Savoie", "Jura", "Vosges", "Atlantique", "Méditerranée",
         "Lyonnaise", "Picardie", "Aquitaine", "Auvergne", "Champagne", "Bourgogne",
         "Occitanie", "Armor", "Mistral", "Azur"),
        ("Industrie", "Mécanique", "Hydraulique", "Fixations", "Équipements", "Techniques",
         "Automatismes", "Outillage", "Composants", "Usinage", "Électricité Industrielle",
         "Transmissions", "Roulements", "Pompes", "Robinetterie", "Plasturgie",
         "Métallurgie", "Emballage", "Précision", "Manutention", "Ingénierie", "Soudure",
         "Pneumatique", "Instrumentation", "Maintenance"),
        ("SAS", "SARL", "S.A."),
        ("Lyon", "Lille", "Toulouse", "Nantes", "Strasbourg", "Bordeaux", "Grenoble",
         "Rennes", "Marseille", "Clermont-Ferrand"),
    ),
    Region(
        "Italy", 0.15,
        ("Rossi", "Bianchi", "Ferrari", "Esposito", "Romano", "Colombo", "Ricci", "Marino",
         "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano",
         "Rizzo", "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani",
         "Rinaldi", "Caruso", "Adriatica", "Ligure", "Lombarda", "Veneta", "Toscana",
         "Emiliana", "Padana", "Alpina", "Tirrena", "Sicula", "Friulana", "Piemontese",
         "Brianza", "Euganea", "Appenninica"),
        ("Meccanica", "Industriale", "Componenti", "Idraulica", "Forniture Industriali",
         "Automazione", "Utensileria", "Minuteria Metallica", "Trasmissioni", "Cuscinetti",
         "Valvole", "Pompe", "Elettromeccanica", "Tornitura", "Imballaggi", "Oleodinamica",
         "Carpenteria", "Stampaggio", "Fluidotecnica", "Viteria", "Subforniture",
         "Tecnologie", "Sistemi", "Ingranaggi", "Precisione"),
        ("S.p.A.", "S.r.l."),
        ("Milano", "Torino", "Bologna", "Brescia", "Bergamo", "Verona", "Padova", "Modena",
         "Firenze", "Vicenza"),
    ),
)
# fmt: on

# --- size and scale -------------------------------------------------------------------
# Customer size (relative to the median customer) is lognormal with this log-sd.
SIZE_SIGMA = 1.25
# Average invoice lines per customer up to LINES_FULL_SCALE customers, and the floor it
# falls to for very many customers (100,000 customers give about 6.2 million lines).
LINES_PER_CUSTOMER = 150.0
LINES_PER_CUSTOMER_MIN = 62.0
LINES_FULL_SCALE = 2000
# Share of customers who started buying during the data period.
NEW_CUSTOMER_SHARE = 0.12

# --- catalogue, orders and lines -----------------------------------------------------
# Catalogue size: enough variety for the long-tail buyers, independent of customers.
PRODUCTS = 2400
# Cost of goods as a share of list price for the most popular (thin-margin) product.
COST_RATIO_BASE = 0.65
# Orders below this net value trigger small order handling (a minimum order size).
SMALL_ORDER_VALUE = 400.0
# Share of invoice lines later (partly) credited, before segment and customer factors.
RETURN_RATE = 0.0095
# Extra discount per unit of log size (bargaining power of large buyers).
BARGAINING = 0.01

# --- dispersion of behaviour ---------------------------------------------------------
# Log-sd of the "service appetite" shared by all service rates of a customer, and the
# quantile range it is drawn from (no account is served for free or ten times over).
APPETITE_SIGMA = 0.8
APPETITE_RANGE = (0.04, 0.96)
# Log-sd of each account-level service rate around the customer's appetite.
SERVICE_NOISE = 0.25

# --- calendar ------------------------------------------------------------------------
# Seasonal weight of order intake per calendar month (summer and Christmas slow down).
MONTH_WEIGHTS = (0.95, 1.0, 1.08, 1.02, 1.03, 1.0, 0.88, 0.72, 1.05, 1.08, 1.04, 0.78)
# Yearly growth of order intake over the period (a slowly growing business).
GROWTH = 0.04

# --- resources -----------------------------------------------------------------------
# Practical capacity is set so that each resource uses between these shares of it.
UTILISATION_RANGE = (0.74, 0.92)
# Operating profit of the whole customer base as a share of net revenue, and the range
# within which the nominal capacity cost rates may be scaled to reach it.
TARGET_MARGIN = 0.05
COST_RATE_FACTOR_RANGE = (0.5, 2.0)

# Irrational steps of the Weyl sequences that spread segments and appetites over sizes.
_GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0
_SQRT2 = np.sqrt(2.0) - 1.0
# Longest relationship drawn, in years before the period starts.
_MAX_TENURE = 45.0
# Second seed word of the relationship draws' own stream.
RELATIONSHIP_STREAM = 11


class _Calendar(NamedTuple):
    days: np.ndarray  # business days of the period, datetime64[D]
    month: np.ndarray  # month index (0 = first month) of each business day
    cdf: np.ndarray  # cumulative share of order intake up to and including each day
    month_start: np.ndarray  # first calendar day of each month, datetime64[D]


class _Customers(NamedTuple):
    """Per-customer attributes and behaviour, one array element per customer."""

    segment: np.ndarray
    region: np.ndarray
    name: np.ndarray
    since: np.ndarray  # datetime64[D]
    first_day: np.ndarray  # index of the first business day the customer may order on
    lines: np.ndarray  # expected invoice lines over the period
    lines_per_order: np.ndarray
    line_value: np.ndarray  # typical list value of a line, currency units
    discount: np.ndarray
    per_order: dict[str, np.ndarray]  # order-level behaviour rates
    monthly: dict[str, np.ndarray]  # account-level driver rates per month
    return_rate: np.ndarray
    wallet_share: np.ndarray
    # Relationships (drawn from a stream of their own, see _relationships).
    last_day: np.ndarray  # index of the last business day the customer may order on
    trend: np.ndarray  # intake tilt over its active span (0: steady)
    relationship: np.ndarray  # kind wanted, index into RELATIONSHIP_KINDS
    overdesigned: np.ndarray  # bool: transactional, served as collaborative
    investment: dict[str, np.ndarray]  # relationship activities' rates per month
    referrals: np.ndarray
    co_development: np.ndarray  # bool
    invests: np.ndarray  # bool


class _Raw(NamedTuple):
    """Integer-coded tables; money in cents so sums and rounding stay exact."""

    customers: _Customers
    lines: dict[str, np.ndarray]
    n_orders: int
    activities: dict[str, np.ndarray]
    capacity: np.ndarray
    cost: np.ndarray
    wallet_c: np.ndarray
    calendar: _Calendar
    gaps: dict[str, np.ndarray]  # customers column -> bool mask of its empty cells


def lines_per_customer(customers: int) -> float:
    """Average invoice lines per customer for a data set of ``customers`` customers.

    Parameters
    ----------
    customers : number of customers.

    Returns
    -------
    float
        150 up to 2,000 customers, then slowly falling to a floor of 62, so that
        100,000 customers give about 6.2 million lines.

    Examples
    --------
    >>> lines_per_customer(500), lines_per_customer(100_000)
    (150.0, 62.0)
    """
    if customers <= LINES_FULL_SCALE:
        return LINES_PER_CUSTOMER
    shrunk = LINES_PER_CUSTOMER * (LINES_FULL_SCALE / customers) ** 0.23
    return max(LINES_PER_CUSTOMER_MIN, shrunk)


def _normal_quantile(p: np.ndarray) -> np.ndarray:
    """Return the standard normal quantile of ``p`` (Acklam's rational approximation).

    Examples
    --------
    >>> round(float(_normal_quantile(np.array([0.975]))[0]), 4)
    1.96
    """
    p = np.asarray(p, dtype=float)
    a = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02,
         1.383577518672690e02, -3.066479806614716e01, 2.506628277459239e00)  # fmt: skip
    b = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02,
         6.680131188771972e01, -1.328068155288572e01, 1.0)  # fmt: skip
    c = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00,
         -2.549671010243009e00, 4.374664141464968e00, 2.938163982698783e00)  # fmt: skip
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00,
         3.754408661907416e00, 1.0)  # fmt: skip
    q = p - 0.5
    r = q * q
    central = q * np.polyval(a, r) / np.polyval(b, r)
    # Tails use the same rational form in sqrt(-2 log p), mirrored for the upper tail.
    t = np.sqrt(-2.0 * np.log(np.minimum(p, 1.0 - p)))
    tail = np.polyval(c, t) / np.polyval(d, t)
    return np.where(np.abs(q) <= 0.5 - 0.02425, central, np.where(q < 0, tail, -tail))


def _calendar(start: str, years: int) -> _Calendar:
    first = np.datetime64(start, "D")
    end = (pd.Timestamp(first) + pd.DateOffset(years=years)).to_datetime64()
    all_days = np.arange(first, end.astype("datetime64[D]"))
    days = all_days[np.is_busday(all_days)]
    months = days.astype("datetime64[M]")
    month0 = first.astype("datetime64[M]")
    month = (months - month0).astype(np.int64)
    n_months = int((all_days[-1].astype("datetime64[M]") - month0).astype(np.int64)) + 1
    calendar_month = months.astype(np.int64) % 12
    age = (days - first).astype(np.int64) / 365.25
    weight = np.asarray(MONTH_WEIGHTS)[calendar_month] * (1.0 + GROWTH * age)
    cdf = np.cumsum(weight)
    cdf /= cdf[-1]
    month_start = (month0 + np.arange(n_months)).astype("datetime64[D]")
    return _Calendar(days, month, cdf, month_start)


def _company_names(rng: np.random.Generator, region: np.ndarray) -> np.ndarray:
    """Draw company names; repeats get a branch city so that names stay unique."""
    n = len(region)
    parts = {key: np.empty(n, dtype=object) for key in ("prefix", "core", "legal", "city")}
    for r, reg in enumerate(REGIONS):
        idx = np.flatnonzero(region == r)
        for key, words in (
            ("prefix", reg.prefixes),
            ("core", reg.cores),
            ("legal", reg.legal),
            ("city", reg.cities),
        ):
            choice = rng.integers(len(words), size=idx.size)
            parts[key][idx] = np.asarray(words, dtype=object)[choice]
    prefix, core, legal, city = (pd.Series(parts[k], dtype="str") for k in parts)
    names = prefix + " " + core + " " + legal
    # The first holder of a name keeps it plain; later ones become "Name (City)".
    repeat = names.groupby(names, sort=False).cumcount()
    branch = names + " (" + city + ")"
    names = names.where(repeat == 0, branch)
    # Branches that still repeat are numbered: "Name (City 2)".
    repeat = names.groupby(names, sort=False).cumcount()
    numbered = branch.str.slice(stop=-1) + " " + (repeat + 1).astype("str") + ")"
    names = names.where(repeat == 0, numbered)
    return names.to_numpy(dtype=object)


def _relationships(
    rel: np.random.Generator, segment: np.ndarray, size: np.ndarray, is_new: np.ndarray,
    tenure: np.ndarray, n_days: int, scale: float,
) -> dict[str, np.ndarray | dict[str, np.ndarray]]:
    """Draw what the relationship views need, from a stream of their own (``rel``), so the
    other draws, and the pages' figures built on them, do not move: the span and trend
    of each customer's buying, the relationship it wants, overdesigned ones, the
    relationship investment it receives and its loyalty evidence."""
    n = len(segment)
    names = [s.name for s in SEGMENTS]

    def per_segment(table) -> np.ndarray:
        return np.array([table[name] for name in names], dtype=float)[segment]

    # Lost customers stop buying somewhere in the period (established ones only).
    lost = ~is_new & (rel.random(n) < per_segment(LOSS_RATE))
    last_day = np.where(lost, rel.integers(int(0.15 * n_days), int(0.9 * n_days), size=n),
                        n_days - 1)
    u = rel.random(n)
    growing = per_segment(GROWING_SHARE)
    trend = np.where(u < growing, TREND_TILT, np.where(u > 1.0 - SHRINKING_SHARE,
                                                        -TREND_TILT, 0.0))
    trend = trend * np.exp(0.3 * rel.standard_normal(n)) + 0.2 * rel.standard_normal(n)
    mix = np.array([RELATIONSHIP_MIX[name] for name in names])[segment]
    kind = (rel.random(n)[:, None] > np.cumsum(mix, axis=1)[:, :-1]).sum(axis=1)
    overdesigned = ((kind == 0) & (size > np.median(size))
                    & (rel.random(n) < OVERDESIGNED_SHARE))
    served = np.where(overdesigned, 2, kind)
    investment = size**0.5 * scale
    investment = {
        "Account management": np.asarray(ACCOUNT_REVIEWS)[served] * investment
        * np.exp(0.3 * rel.standard_normal(n)) * np.where(overdesigned, 1.5, 1.0),
        "Joint development": np.asarray(GUEST_ENGINEER_DAYS)[served] * investment
        * np.exp(0.3 * rel.standard_normal(n)) * np.where(overdesigned, 1.5, 1.0),
    }
    # Loyalty evidence grows with the relationship's age; lost customers refer nobody.
    years = np.minimum(tenure, 10.0) / 10.0 + 0.5
    referrals = rel.poisson(np.asarray(REFERRALS)[kind] * years * ~lost)
    co_development = rel.random(n) < np.asarray(CO_DEVELOPMENT)[kind]
    invests = rel.random(n) < np.asarray(INVESTS)[kind]
    return {"last_day": last_day, "trend": trend, "relationship": kind,
            "overdesigned": overdesigned, "investment": investment, "referrals": referrals,
            "co_development": co_development, "invests": invests & ~lost}


def _draw_customers(
    rng: np.random.Generator, n: int, cal: _Calendar, avg_lines: float,
    rel: np.random.Generator,
) -> _Customers:
    """Draw segment, size, tenure and behaviour of every customer, and the key account."""

    def noise(sd: float) -> np.ndarray:
        return np.exp(sd * rng.standard_normal(n))

    # Stratified (Latin hypercube) sizes, so every seed has the same size profile.
    size = np.exp(SIZE_SIGMA * _normal_quantile((rng.permutation(n) + rng.random(n)) / n))
    size_rank = np.empty(n, dtype=np.int64)
    size_rank[np.argsort(-size, kind="stable")] = np.arange(n)
    # Weyl sequences over the size rank spread segments and appetites evenly over large
    # and small customers, so the whale curve does not hinge on a few lucky draws.
    shares = np.cumsum([s.share for s in SEGMENTS])
    segment_u = (rng.random() + size_rank * _GOLDEN) % 1.0
    segment = np.minimum(np.searchsorted(shares / shares[-1], segment_u), len(SEGMENTS) - 1)
    appetite_u = np.clip((rng.random() + size_rank * _SQRT2) % 1.0, *APPETITE_RANGE)
    appetite = np.exp(APPETITE_SIGMA * _normal_quantile(appetite_u))
    region = rng.choice(len(REGIONS), size=n, p=[r.share for r in REGIONS])

    n_days = len(cal.days)
    is_new = rng.random(n) < NEW_CUSTOMER_SHARE
    first_day = np.where(is_new, rng.integers(0, int(0.85 * n_days), size=n), 0)
    tenure = np.where(is_new, 0.0, np.minimum(1.0 + rng.gamma(1.6, 5.0, size=n), _MAX_TENURE))
    since = np.where(
        is_new,
        cal.days[first_day],
        cal.days[0] - np.rint(tenure * 365.25).astype("timedelta64[D]"),
    )
    # New relationships cost more to serve: processes are not yet streamlined.
    learning = 1.0 + 0.6 * np.exp(-tenure / 3.0)
    scale = avg_lines / LINES_PER_CUSTOMER / 12.0
    relations = _relationships(rel, segment, size, is_new, tenure, n_days, scale)
    last_day = relations["last_day"]
    active_share = (cal.cdf[last_day]
                    - np.where(first_day > 0, cal.cdf[first_day - 1], 0.0))

    seg = {
        field: np.array([getattr(s, field) for s in SEGMENTS], dtype=float)[segment]
        for field in Segment._fields[1:]
    }
    order_growth = size ** seg["order_size_exp"] * noise(0.25)
    lines_per_order = 1.0 + (seg["lines_per_order"] - 1.0) * order_growth
    line_value = seg["line_value"] * size**0.1 * noise(0.3)
    # Large buyers have the power to negotiate deeper discounts.
    discount = seg["discount"] + BARGAINING * np.log(size) + 0.03 * rng.standard_normal(n)
    discount = np.clip(discount, 0.0, 0.45)
    per_order = {
        # Small accounts key in more orders by hand; large ones are on EDI.
        "manual": np.clip(seg["manual"] * size**-0.15 * noise(0.35) * np.sqrt(learning), 0, 0.97),
        "changes": seg["changes"] * appetite * noise(0.4) * learning,
        "reschedules": seg["reschedules"] * appetite * noise(0.4) * learning,
        "expedite": np.clip(seg["expedite"] * appetite * noise(0.4), 0.0, 0.9),
        "packaging": np.clip(seg["packaging"] * noise(0.5), 0.0, 0.9),
        "complaint": seg["complaint"] * appetite * noise(0.4) * learning,
        "overdue": np.clip(seg["overdue"] * noise(0.6), 0.0, 0.8),
    }
    # Account-level services shrink with the line count, so economics stay scale-free.
    account = size ** seg["service_exp"] * appetite * scale
    monthly = {
        "Sales visit": seg["visits"] * account * noise(SERVICE_NOISE),
        "Technical support case": seg["support"] * account * noise(SERVICE_NOISE) * learning,
        "Pre-sales engineering": seg["presales"] * account * noise(SERVICE_NOISE),
        "Training session": seg["training"] * account * noise(SERVICE_NOISE),
        # Bigger accounts have bigger credit lines, reviewed more often.
        "Credit check": seg["credit"] * size**0.5 * scale * noise(0.2),
    }
    return_rate = RETURN_RATE * seg["returns"] * noise(0.4)
    share = seg["wallet_share"]
    wallet_share = rng.beta(share * 8.0, (1.0 - share) * 8.0)
    name = _company_names(rng, region)

    # The Kanthal-like key account takes the place of the customer of its size rank.
    key = KEY_ACCOUNT
    k = int(np.flatnonzero(size_rank == min(key.size_rank, n - 1))[0])
    segment[k] = [s.name for s in SEGMENTS].index(key.segment)
    region[k] = [r.name for r in REGIONS].index(key.region)
    name[k] = key.name
    since[k] = np.datetime64(key.since, "D")
    first_day[k], active_share[k] = 0, 1.0
    last_day[k], relations["trend"][k] = n_days - 1, 0.0
    relations["relationship"][k], relations["overdesigned"][k] = 2, False
    lines_per_order[k], line_value[k], discount[k] = (
        key.lines_per_order,
        key.line_value,
        key.discount,
    )
    for behaviour in per_order:
        per_order[behaviour][k] = getattr(key, behaviour)
    base = SEGMENTS[segment[k]]
    key_account = size[k] ** base.service_exp * key.service * scale
    monthly["Sales visit"][k] = base.visits * key_account
    monthly["Technical support case"][k] = base.support * key_account
    monthly["Pre-sales engineering"][k] = base.presales * key_account
    monthly["Training session"][k] = base.training * key_account
    wallet_share[k] = key.wallet_share

    # Lines follow size and the share of the period the customer was active.
    lines = size * active_share
    lines *= avg_lines * n / lines.sum()
    return _Customers(
        segment=segment,
        region=region,
        name=name,
        since=since,
        first_day=first_day,
        lines=lines,
        lines_per_order=lines_per_order,
        line_value=line_value,
        discount=discount,
        per_order=per_order,
        monthly=monthly,
        return_rate=return_rate,
        wallet_share=wallet_share,
        last_day=last_day,
        trend=relations["trend"],
        relationship=relations["relationship"],
        overdesigned=relations["overdesigned"],
        investment=relations["investment"],
        referrals=relations["referrals"],
        co_development=relations["co_development"],
        invests=relations["invests"],
    )


def _draw_orders(
    rng: np.random.Generator, cust: _Customers, cal: _Calendar
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw customer, business day and line count of every order, in order-number order."""
    orders = np.maximum(1, np.rint(cust.lines / cust.lines_per_order)).astype(np.int64)
    n_orders = int(orders.sum())
    order_cust = np.repeat(np.arange(len(orders), dtype=np.int32), orders)
    # Each order's day is drawn from the intake curve between the customer's first and
    # last day, tilted towards the end (growing) or the start (shrinking): the inverse
    # of a distribution with density proportional to exp(trend x) on [0, 1].
    low = np.where(cust.first_day > 0, cal.cdf[cust.first_day - 1], 0.0)[order_cust]
    high = cal.cdf[cust.last_day][order_cust]
    r = rng.random(n_orders)
    k = cust.trend[order_cust]
    steady = np.abs(k) < 1e-9
    k = np.where(steady, 1.0, k)
    tilted = np.where(steady, r, np.log1p(r * np.expm1(k)) / k)
    u = low + np.clip(tilted, 0.0, 1.0) * (high - low)
    order_day = np.minimum(np.searchsorted(cal.cdf, u), len(cal.days) - 1).astype(np.int32)
    # Order numbers follow the calendar, as in any ERP.
    sequence = np.lexsort((order_cust, order_day))
    order_cust, order_day = order_cust[sequence], order_day[sequence]
    lines_in_order = 1 + rng.poisson(cust.lines_per_order[order_cust] - 1.0).astype(np.int32)
    return order_cust, order_day, lines_in_order


def _catalogue(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Draw list price and unit cost (cents) by popularity rank, and each rank's code."""
    rank = np.arange(PRODUCTS)
    list_price = np.maximum(50, np.rint(2500 * np.exp(1.1 * rng.standard_normal(PRODUCTS))))
    # Popular standard products carry thin margins, the long tail fat ones.
    cost_ratio = COST_RATIO_BASE - 0.14 * np.sqrt(rank / PRODUCTS)
    cost_ratio = np.clip(cost_ratio + 0.03 * rng.standard_normal(PRODUCTS), 0.4, 0.8)
    unit_cost = np.rint(list_price * cost_ratio).astype(np.int64)
    return list_price.astype(np.int64), unit_cost, rng.permutation(PRODUCTS).astype(np.int32)


def _draw_lines(
    rng: np.random.Generator,
    cust: _Customers,
    order_cust: np.ndarray,
    order_day: np.ndarray,
    lines_in_order: np.ndarray,
    n_days: int,
) -> dict[str, np.ndarray]:
    """Draw invoice lines and credit notes (negative lines), sorted by day."""
    n_orders = len(order_cust)
    line_order = np.repeat(np.arange(n_orders, dtype=np.int32), lines_in_order)
    line_cust = order_cust[line_order]
    n_lines = len(line_order)
    list_price, unit_cost, product_code = _catalogue(rng)
    product = np.empty(n_lines, dtype=np.int32)
    line_segment = cust.segment[line_cust]
    rank = np.arange(PRODUCTS)
    for g, s in enumerate(SEGMENTS):
        mask = line_segment == g
        popularity = (rank + 20.0) ** -s.catalogue_focus
        product[mask] = rng.choice(PRODUCTS, size=int(mask.sum()), p=popularity / popularity.sum())
    del line_segment
    price = list_price[product]
    spread = np.exp(0.6 * rng.standard_normal(n_lines))
    quantity = np.maximum(1, np.rint(100 * cust.line_value[line_cust] * spread / price))
    quantity = quantity.astype(np.int64)
    del spread
    list_c = quantity * price
    # Bigger lines earn a small extra volume discount.
    discount = cust.discount[line_cust] + 0.015 * rng.standard_normal(n_lines)
    discount = np.clip(discount + 0.01 * np.log10(quantity), 0.0, 0.6)
    net_c = np.rint(list_c * (1.0 - discount)).astype(np.int64)
    del discount
    cogs_c = quantity * unit_cost[product]

    # Credit notes: part of a line comes back a few days later, on the same order.
    back = np.flatnonzero(rng.random(n_lines) < cust.return_rate[line_cust])
    back_qty = np.floor(quantity[back] * rng.uniform(0.25, 1.0, back.size))
    back_qty = np.maximum(1, back_qty).astype(np.int64)
    back_day = order_day[line_order[back]] + 3 + rng.poisson(10, back.size)
    back_net = np.rint(net_c[back] * back_qty / quantity[back]).astype(np.int64)
    day = np.concatenate([order_day[line_order], np.minimum(back_day, n_days - 1)])
    by_day = np.argsort(day, kind="stable")
    lines = {"day": day[by_day]}
    del day
    # Each column is built and reordered in turn to keep peak memory low at scale.
    for column, normal, credit in (
        ("customer", line_cust, line_cust[back]),
        ("order", line_order, line_order[back]),
        ("product", product_code[product], product_code[product[back]]),
        ("quantity", quantity.astype(np.int32), -back_qty.astype(np.int32)),
        ("list_c", list_c, -back_qty * price[back]),
        ("net_c", net_c, -back_net),
        ("cogs_c", cogs_c, -back_qty * unit_cost[product[back]]),
    ):
        lines[column] = np.concatenate([normal, credit])[by_day]
    return lines


def _driver_volumes(
    rng: np.random.Generator,
    cust: _Customers,
    cal: _Calendar,
    order_cust: np.ndarray,
    order_day: np.ndarray,
    lines_in_order: np.ndarray,
    lines: dict[str, np.ndarray],
    rel: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Draw driver volumes per customer, activity and month (non-zero rows only)."""
    n, n_months = len(cust.segment), len(cal.month_start)
    n_bins = n * n_months
    order_bin = order_cust.astype(np.int64) * n_months + cal.month[order_day]
    is_credit = lines["quantity"] < 0
    credit_bin = lines["customer"][is_credit].astype(np.int64) * n_months
    credit_bin += cal.month[lines["day"][is_credit]]
    # Order value in cents from the invoice lines, before any later credit note.
    invoiced = np.where(is_credit, 0, lines["net_c"])
    order_value = np.bincount(lines["order"], weights=invoiced, minlength=len(order_cust))
    del invoiced
    rate = {k: v[order_cust] for k, v in cust.per_order.items()}
    is_manual = rng.random(len(order_cust)) < rate["manual"]
    is_expedited = rng.random(len(order_cust)) < rate["expedite"]
    # Driver quantity of each order-level activity per order (None: one per order).
    per_order = {
        "Order entry (EDI)": ~is_manual,
        "Order entry (manual)": is_manual,
        "Order change": rng.poisson(rate["changes"]),
        "Complaint handling": rng.poisson(rate["complaint"]),
        "Collection call": rng.random(len(order_cust)) < rate["overdue"],
        "Order picking & dispatch": None,
        "Order line picking": lines_in_order,
        "Expedited delivery": is_expedited,
        "Delivery rescheduling": rng.poisson(rate["reschedules"]),
        "Small order handling": order_value < 100 * SMALL_ORDER_VALUE,
        "Custom packaging": rng.random(len(order_cust)) < rate["packaging"],
        "Freight": ~is_expedited,
        "Express freight": is_expedited,
    }
    del rate
    first_month = cal.month[cust.first_day]
    last_month = cal.month[cust.last_day]
    months = np.arange(n_months)[None, :]
    active = (months >= first_month[:, None]) & (months <= last_month[:, None])
    bins, codes, quantities = [], [], []
    for a, activity in enumerate(ACTIVITIES):
        if activity.name in cust.monthly:
            counts = rng.poisson(cust.monthly[activity.name][:, None] * active).ravel()
        elif activity.name in cust.investment:
            counts = rel.poisson(cust.investment[activity.name][:, None] * active).ravel()
        elif activity.name == "Returns handling":
            counts = np.bincount(credit_bin, minlength=n_bins)
        else:
            weights = per_order[activity.name]
            counts = np.bincount(order_bin, weights=weights, minlength=n_bins)
            counts = np.rint(counts).astype(np.int64)
        # Keep only the non-zero cells as soon as they are known (dense arrays are big).
        nonzero = np.flatnonzero(counts)
        bins.append(nonzero)
        codes.append(np.full(nonzero.size, a, dtype=np.int8))
        quantities.append(counts[nonzero].astype(np.int32))
    bin_idx, code = np.concatenate(bins), np.concatenate(codes)
    quantity = np.concatenate(quantities)
    ordering = np.lexsort((code, bin_idx))
    bin_idx = bin_idx[ordering]
    return {
        "customer": (bin_idx // n_months).astype(np.int32),
        "month": (bin_idx % n_months).astype(np.int32),
        "activity": code[ordering],
        "quantity": quantity[ordering],
    }


def _capacity_and_cost(
    rng: np.random.Generator, activities: dict[str, np.ndarray], lines: dict[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Set practical capacity from the time actually used, and the cost of each resource."""
    totals = np.bincount(
        activities["activity"], weights=activities["quantity"], minlength=len(ACTIVITIES)
    )
    busy = totals * np.array([a.unit_time or 0.0 for a in ACTIVITIES])
    used = np.array([busy[[a.resource == r.name for a in ACTIVITIES]].sum() for r in RESOURCES])
    direct = float(totals @ np.array([a.cost_per_unit or 0.0 for a in ACTIVITIES]))
    utilisation = rng.uniform(*UTILISATION_RANGE, size=len(RESOURCES))
    step = np.array([100.0 if r.unit == "minutes" else 10.0 for r in RESOURCES])
    capacity = np.maximum(step, np.ceil(used / utilisation / step) * step)
    # One common factor on the nominal capacity cost rates lets the customer base earn
    # TARGET_MARGIN, so percentages of total profit mean the same for every seed.
    net_revenue = lines["net_c"].sum() / 100.0
    net_margin = net_revenue - lines["cogs_c"].sum() / 100.0
    nominal = float(used @ np.array([r.cost_rate for r in RESOURCES]))
    wanted = net_margin - TARGET_MARGIN * net_revenue - direct
    factor = float(np.clip(wanted / nominal, *COST_RATE_FACTOR_RANGE)) if nominal > 0 else 1.0
    cost = np.round(capacity * np.array([r.cost_rate for r in RESOURCES]) * factor, 2)
    return capacity, cost


def _simulate(customers: int, seed: int, years: int, start: str) -> _Raw:
    """Draw every table as integer-coded numpy arrays (see the module docstring)."""
    if customers < 1:
        raise ValueError("customers must be at least 1")
    if years < 1:
        raise ValueError("years must be at least 1")
    rng = np.random.default_rng(seed)
    # The relationship draws have their own stream (see _relationships).
    rel = np.random.default_rng([seed, RELATIONSHIP_STREAM])
    cal = _calendar(start, years)
    cust = _draw_customers(rng, customers, cal, lines_per_customer(customers), rel)
    order_cust, order_day, lines_in_order = _draw_orders(rng, cust, cal)
    lines = _draw_lines(rng, cust, order_cust, order_day, lines_in_order, len(cal.days))
    activities = _driver_volumes(rng, cust, cal, order_cust, order_day, lines_in_order, lines,
                                 rel)
    capacity, cost = _capacity_and_cost(rng, activities, lines)
    # Wallet: the customer's annual spend in the category, of which we get a share: its
    # average yearly revenue over the span it bought in (a lost customer's wallet stays,
    # spent with a competitor), to the whole currency unit.
    net = np.bincount(lines["customer"], weights=lines["net_c"], minlength=customers)
    span_years = np.maximum(cust.last_day - cust.first_day + 1, 20) / len(cal.days) * years
    wallet_c = np.ceil(np.maximum(net, 0.0) / span_years / cust.wallet_share / 100.0) * 100.0
    # Empty cells in the master data, as in real data (never for the key account).
    key = np.flatnonzero(cust.name == KEY_ACCOUNT.name)
    gaps = {column: rel.random(customers) < share for column, share in GAPS.items()}
    for mask in gaps.values():
        mask[key] = False
    return _Raw(cust, lines, len(order_cust), activities, capacity, cost, wallet_c, cal, gaps)


def _ids(prefix: str, count: int, width: int) -> np.ndarray:
    """Make ``prefix`` + 1-based zero-padded numbers (C00001...) as a numpy string array."""
    width = max(width, len(str(count)))
    numbers = np.arange(1, count + 1).astype(np.dtypes.StringDType())
    return np.strings.add(prefix, np.strings.zfill(numbers, width))


def _coded(codes: np.ndarray, labels: np.ndarray | list[str]) -> pd.Series:
    """Build a string column from integer codes (``Index.take``: no Python object per row)."""
    return pd.Series(pd.Index(np.asarray(labels, dtype=object), dtype="str").take(codes))


def _frames(raw: _Raw) -> dict[str, pd.DataFrame]:
    """Build the import-contract DataFrames from the integer-coded tables."""
    cal, tx, act, cust = raw.calendar, raw.lines, raw.activities, raw.customers
    customer_ids = _ids("C", len(cust.segment), 5)
    transactions = pd.DataFrame(
        {
            "customer_id": _coded(tx["customer"], customer_ids),
            "date": cal.days[tx["day"]],
            "order_id": _coded(tx["order"], _ids("SO", raw.n_orders, 7)),
            "product_id": _coded(tx["product"], _ids("P", PRODUCTS, 5)),
            "quantity": tx["quantity"].astype(np.int64),
            "list_revenue": tx["list_c"] / 100.0,
            "net_revenue": tx["net_c"] / 100.0,
            "cogs": tx["cogs_c"] / 100.0,
        }
    )
    activities = pd.DataFrame(
        {
            "customer_id": _coded(act["customer"], customer_ids),
            "activity": _coded(act["activity"], [a.name for a in ACTIVITIES]),
            "quantity": act["quantity"].astype(np.int64),
            "date": cal.month_start[act["month"]],
        }
    )
    rates = pd.DataFrame(
        {
            "activity": pd.Series([a.name for a in ACTIVITIES], dtype="str"),
            "resource": pd.Series([a.resource for a in ACTIVITIES], dtype="str"),
            "unit_time": pd.Series([a.unit_time for a in ACTIVITIES], dtype="float64"),
            "cost_per_unit": pd.Series([a.cost_per_unit for a in ACTIVITIES], dtype="float64"),
            "relationship": pd.Series([a.relationship for a in ACTIVITIES], dtype="bool"),
        }
    )
    resources = pd.DataFrame(
        {
            "resource": pd.Series([r.name for r in RESOURCES], dtype="str"),
            "cost": raw.cost,
            "capacity": raw.capacity,
        }
    )
    customers = pd.DataFrame(
        {
            "customer_id": pd.Series(customer_ids, dtype="str"),
            "name": pd.Series(cust.name, dtype="str"),
            "segment": _coded(cust.segment, [s.name for s in SEGMENTS]),
            "region": _coded(cust.region, [r.name for r in REGIONS]),
            "since": pd.Series(cust.since.astype("datetime64[s]")).mask(raw.gaps["since"]),
            "wallet": pd.Series(raw.wallet_c / 100.0).mask(raw.gaps["wallet"]),
            "referrals": pd.Series(cust.referrals.astype("float64")).mask(
                raw.gaps["referrals"]),
            "co_development": pd.Series(cust.co_development, dtype="boolean").mask(
                raw.gaps["co_development"]),
            "invests": pd.Series(cust.invests, dtype="boolean").mask(raw.gaps["invests"]),
            "relationship": _coded(cust.relationship, list(RELATIONSHIP_KINDS)).mask(
                raw.gaps["relationship"]),
        }
    )
    return {
        "transactions": transactions,
        "activities": activities,
        "rates": rates,
        "resources": resources,
        "customers": customers,
    }


def generate(
    customers: int = 2000, seed: int = 7, years: int = 3, start: str = "2022-01-01"
) -> dict[str, pd.DataFrame]:
    """Generate a realistic, deterministic B2B customer-profitability data set.

    Parameters
    ----------
    customers : number of customers (one of them is the Kanthal-like key account).
    seed : seed of ``numpy.random.default_rng``; the same arguments give the same tables.
    years : length of the data period in years.
    start : first day of the period (ISO date).

    Returns
    -------
    dict of str to DataFrame
        ``transactions`` (one row per invoice line; credit notes have negative
        quantity and amounts), ``activities`` (driver volumes per customer, activity
        and month, dated the first of the month), ``rates`` (unit time on a resource,
        or a direct cost per unit), ``resources`` (cost and practical capacity over the
        whole period, in the time unit of its activities; ``relationship`` flags
        relationship investment) and ``customers`` (name, segment, region, since,
        wallet: annual spend in the category, referrals, co_development, invests,
        relationship; some cells empty, as in real master data), with the columns of
        the import contract.

    Examples
    --------
    >>> tables = generate(customers=20, seed=3, years=1)
    >>> list(tables["transactions"].columns)  # doctest: +NORMALIZE_WHITESPACE
    ['customer_id', 'date', 'order_id', 'product_id', 'quantity', 'list_revenue',
     'net_revenue', 'cogs']
    >>> generate(customers=20, seed=3, years=1)["transactions"].equals(tables["transactions"])
    True
    """
    return _frames(_simulate(customers, seed, years, start))


# How each table is written: ISO dates, money with exactly two decimals.
_WRITE_SELECT = MappingProxyType(
    {
        "transactions": (
            "customer_id, date::DATE AS date, order_id, product_id, quantity, "
            "list_revenue::DECIMAL(18, 2) AS list_revenue, "
            "net_revenue::DECIMAL(18, 2) AS net_revenue, cogs::DECIMAL(18, 2) AS cogs"
        ),
        "activities": "customer_id, activity, quantity, date::DATE AS date",
        # The relationship flag as an export has it: "yes", or empty.
        "rates": (
            "activity, resource, unit_time, cost_per_unit::DECIMAL(18, 2) AS cost_per_unit, "
            "CASE WHEN relationship THEN 'yes' END AS relationship"
        ),
        "resources": "resource, cost::DECIMAL(18, 2) AS cost, capacity::BIGINT AS capacity",
        "customers": (
            "customer_id, name, segment, region, since::DATE AS since, "
            "wallet::DECIMAL(18, 2) AS wallet, referrals::BIGINT AS referrals, "
            "co_development, invests, relationship"
        ),
    }
)


def write_sample(
    out_dir: str | Path, customers: int = 2000, seed: int = 7, years: int = 3
) -> dict[str, int]:
    """Generate the sample data set and write it as five CSV files.

    Parameters
    ----------
    out_dir : directory to write ``<table>.csv`` into; created if missing.
    customers, seed, years : as for :func:`generate`.

    Returns
    -------
    dict of str to int
        Rows written per table.

    Notes
    -----
    Files are UTF-8, comma separated, with a header, ISO dates and money with exactly
    two decimals; the same arguments give byte-identical files. DuckDB writes them
    (much faster than pandas at millions of rows) and keeps the row order.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = generate(customers=customers, seed=seed, years=years)
    rows = {}
    with duckdb.connect() as con:
        for table in TABLES:
            frame = tables.pop(table)
            con.register("frame", frame)
            target = str(out / f"{table}.csv").replace("'", "''")
            con.execute(
                f"COPY (SELECT {_WRITE_SELECT[table]} FROM frame) "
                f"TO '{target}' (HEADER, DELIMITER ',')"
            )
            con.unregister("frame")
            rows[table] = len(frame)
            del frame
    return rows
