"""Small datasets written as real files."""

import sys
from pathlib import Path

import pytest

TRANSACTIONS = (
    "customer_id,date,order_id,net_revenue,list_revenue,cogs\n"
    "C1,2024-01-10,O1,1000.00,1100.00,600.00\n"
    "C1,2024-02-10,O2,500.50,500.50,300.25\n"
    "C2,2024-01-15,O3,200.00,250.00,150.00\n"
    "C2,2024-03-01,O4,-20.00,-25.00,-15.00\n"
    "C3,2024-06-30,O5,50.00,50.00,10.00\n"
)
ACTIVITIES = (
    "customer_id,activity,quantity,date\n"
    "C1,Order,2,2024-01-10\n"
    "C2,Order,2,2024-01-15\n"
    "C2,Complaint,1,2024-03-01\n"
    "C3,Order,1,2024-06-30\n"
    "C4,Complaint,1,2024-06-30\n"
)
RATES = "activity,resource,unit_time\nOrder,Customer service,40\nComplaint,Customer service,220\n"
RESOURCES = "resource,cost,capacity\nCustomer service,1600,2000\n"
CUSTOMERS = (
    "customer_id,name,segment,region\n"
    "C1,Acme,Premium service,North\nC2,Bolt,Price-driven,South\nC3,Cog,Price-driven,North\n"
)


def write_dataset(folder: Path, **overrides: str | None) -> Path:
    """Write the reference dataset, with some tables replaced or (None) left out."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = {"transactions": TRANSACTIONS, "activities": ACTIVITIES, "rates": RATES,
              "resources": RESOURCES, "customers": CUSTOMERS}
    tables.update(overrides)
    for table, text in tables.items():
        if text is not None:
            (folder / f"{table}.csv").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def dataset(tmp_path) -> Path:
    return write_dataset(tmp_path / "dataset")


BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def bench_scale():
    """tests/benchmarks/bench_scale.py, imported as its own scripts import it."""
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import bench_scale
        yield bench_scale
    finally:
        sys.path.remove(str(BENCHMARKS))
