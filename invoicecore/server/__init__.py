"""``python -m invoicecore serve``: a Razorpay-compatible HTTP server over the book (an edge).

Install ``invoicecore[server]``. Nothing in the core imports this package, and
importing the package itself pulls in no third-party module: ``options`` builds
the command line without the ``server`` extra, ``app`` and ``runner`` need it.
"""

__all__: list[str] = []
