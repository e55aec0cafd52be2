"""A throwaway PostgreSQL cluster for the tests and the benchmarks (issue #18).

``pg_config --bindir`` finds ``initdb`` and ``pg_ctl``. The server refuses to
run as root, so as root they run as the ``postgres`` system user
(``runuser -u postgres -- ...``) in a temporary directory that user owns. The
server listens only on a Unix socket in that directory (no TCP port), with
``fsync`` off: the cluster is thrown away at the end.

``INVOICECORE_REQUIRE_POSTGRES=1`` (set by ``.ci/run``) turns "the binaries
are missing" from a skip into a failure, so CI never skips these tests.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from invoicecore.stores.postgres import PostgresStore

REQUIRE: str = "INVOICECORE_REQUIRE_POSTGRES"
"""The environment variable that makes a missing PostgreSQL a failure, not a skip."""


CURRENT: list[Cluster] = []
"""The session's cluster, once a test asked for it (for ``tests.stores.STORES``)."""


class Cluster:
    """A running throwaway cluster: its directory (and socket) and how to reach it."""

    def __init__(self, bindir: Path, folder: Path, *, as_postgres: bool) -> None:
        self.bindir = bindir
        self.folder = folder
        self.as_postgres = as_postgres
        self.user = "postgres"
        self._numbers = itertools.count(1)

    def url(self, database: str = "postgres") -> str:
        """A ``postgresql://`` URL to ``database`` over the cluster's Unix socket."""
        return f"postgresql:///{database}?host={self.folder}&user={self.user}"

    def _run(self, *argv: str) -> None:
        command = [str(self.bindir / argv[0]), *argv[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        """``initdb`` then ``pg_ctl start``, listening on the folder's socket only."""
        data = self.folder / "data"
        self._run(
            "initdb", "-D", str(data), "-A", "trust", "-U", self.user, "-E", "UTF8",
            "--locale=C", "--no-sync",
        )  # fmt: skip
        options = (
            f"-c listen_addresses='' -c unix_socket_directories={self.folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=60"
        )
        self._run(
            "pg_ctl", "-D", str(data), "-o", options, "-l", str(self.folder / "log"), "-w",
            "-t", "60", "start",
        )  # fmt: skip

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its directory."""
        try:
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def new_database(self) -> str:
        """A fresh, empty database; its URL."""
        import psycopg

        name = f"book_{os.getpid()}_{next(self._numbers)}"
        with psycopg.connect(self.url(), autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def new_store(self) -> PostgresStore:
        """A store in a fresh schema of the ``postgres`` database (cheaper than a database)."""
        from invoicecore.stores.postgres import PostgresStore

        return PostgresStore(self.url(), schema=f"book_{os.getpid()}_{next(self._numbers)}")


def missing() -> str | None:
    """Why a cluster cannot be started here (``None``: it can)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install -e '.[postgres]')"
    pg_config = shutil.which("pg_config")
    if pg_config is None:
        return "pg_config is not on PATH (install PostgreSQL's server binaries)"
    bindir = _bindir(pg_config)
    if not (bindir / "initdb").exists() or not (bindir / "pg_ctl").exists():
        return f"initdb/pg_ctl are not in {bindir} (install PostgreSQL's server package)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root and runuser is missing (the server refuses to run as root)"
    return None


def _bindir(pg_config: str) -> Path:
    done = subprocess.run(
        [pg_config, "--bindir"], check=True, capture_output=True, text=True, timeout=30
    )
    return Path(done.stdout.strip())


def _needs_postgres(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    uses_store = callspec is not None and callspec.params.get("new_store") == "postgres"
    return uses_store or "postgres_cluster" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without PostgreSQL here, its tests are set aside and the summary says why in one line."""
    reason = missing()
    if reason is None or os.environ.get(REQUIRE) == "1":
        return  # run them (with REQUIRE, the fixture fails loudly if the server cannot start)
    skipped = [item for item in items if _needs_postgres(item)]
    if skipped:
        items[:] = [item for item in items if not _needs_postgres(item)]
        config.hook.pytest_deselected(items=skipped)
        _SKIPPED[:] = [f"PostgreSQL tests skipped ({len(skipped)}): {reason}"]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The one line that says the PostgreSQL tests did not run, and why."""
    for line in _SKIPPED:
        terminalreporter.write_line(line, yellow=True)


_SKIPPED: list[str] = []


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[Cluster]:
    """A throwaway PostgreSQL cluster for the session; skipped (one line) without the binaries."""
    reason = missing()
    if reason is not None:
        message = f"PostgreSQL tests skipped: {reason}"
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(f"{message}, and {REQUIRE}=1 requires them", pytrace=False)
        pytest.skip(message)
    with temporary_cluster() as cluster:
        yield cluster


class temporary_cluster:  # noqa: N801 - used as a context manager, like a function
    """``with temporary_cluster() as cluster:`` a started cluster, stopped and removed after."""

    def __enter__(self) -> Cluster:
        pg_config = shutil.which("pg_config")
        if pg_config is None:  # pragma: no cover - checked by missing()
            raise RuntimeError("pg_config is not on PATH")
        as_postgres = os.geteuid() == 0
        # A short path: a Unix socket's path is limited to about 100 bytes.
        folder = Path(tempfile.mkdtemp(prefix="icpg-", dir="/tmp"))
        if as_postgres:
            shutil.chown(folder, user="postgres")
        folder.chmod(0o700)
        self.cluster = Cluster(_bindir(pg_config), folder, as_postgres=as_postgres)
        try:
            self.cluster.start()
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return self.cluster

    def __exit__(self, *exc: object) -> None:
        self.cluster.stop()
