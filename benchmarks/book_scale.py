"""Does the book's cost stay flat as it grows? Fetch, fetch by customer, the expiry sweep.

Run: python benchmarks/book_scale.py [--sizes 1000,10000,100000]   (prints figures)
"""

from __future__ import annotations

import argparse
import timeit

from invoicecore.book import Book, Call

T = 1_700_000_000
CUSTOMERS = 100


def build(size: int) -> Book:
    """``size`` issued invoices spread over 100 customers, expiring one per second."""
    book = Book()
    for n in range(CUSTOMERS):
        book.handle(Call(at=T, method="POST", path="/v1/customers", body={"name": f"Customer {n}"}))
    for n in range(size):
        body = {
            "customer_id": f"cust_{n % CUSTOMERS + 1:014d}",
            "line_items": [{"name": "Book", "amount": 40000}],
            "expire_by": T + 10_000 + n,
        }
        book.handle(Call(at=T, method="POST", path="/v1/invoices", body=body))
    return book


def measure(size: int, repeat: int) -> dict[str, float]:
    book = build(size)
    middle = f"/v1/invoices/inv_{size // 2:014d}"
    fetch = Call(at=T, method="GET", path=middle)
    by_customer = Call(
        at=T, method="GET", path="/v1/invoices", query={"customer_id": "cust_00000000000007"}
    )
    figures = {
        "fetch by id": min(timeit.repeat(lambda: book.handle(fetch), number=repeat, repeat=5)),
        "fetch multiple by customer (10)": min(
            timeit.repeat(lambda: book.handle(by_customer), number=repeat, repeat=5)
        ),
    }
    # The sweep: each call expires the one invoice that came due, among `size` waiting.
    at = T + 10_000
    calls = [Call(at=at + k, method="GET", path=middle) for k in range(repeat)]
    sweep = min(timeit.repeat(lambda: [book.handle(call) for call in calls], number=1, repeat=1))
    figures["call + expiry sweep of 1 due"] = sweep
    return {name: seconds / repeat * 1e6 for name, seconds in figures.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=200)
    arguments = parser.parse_args()
    sizes = [int(size) for size in arguments.sizes.split(",")]
    results = {size: measure(size, arguments.repeat) for size in sizes}
    names = list(next(iter(results.values())))
    print(f"{'microseconds per call':34s}" + "".join(f"{size:>12,d}" for size in sizes))
    for name in names:
        print(f"{name:34s}" + "".join(f"{results[size][name]:12.1f}" for size in sizes))


if __name__ == "__main__":
    main()
