"""A real PostgreSQL server for the tests and benchmarks (#15): Debian's `postgresql` package
(`make postgres` installs it), a cluster made by `initdb` in a temporary folder, listening on a
free loopback port and a unix socket in that folder, stopped afterwards.

PostgreSQL refuses to run as root, and the tests run as root: the server then runs as the
`postgres` user the package creates (`runuser`), and the folder is handed to that user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.processes import free_port

SERVER_USER = "postgres"  # made by Debian's postgresql-common
START_TIMEOUT_S = 60


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    return Path(versions[-1]).parent if versions else None


def _version(path: str) -> int:
    part = Path(path).parent.parent.name
    return int(part) if part.isdigit() else 0


def missing() -> str | None:
    """Why a server cannot be started here, or None."""
    if binaries() is None:
        return "PostgreSQL is not installed (initdb not found): `make postgres` installs it"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return f"running as root and there is no {SERVER_USER!r} user to run PostgreSQL as"
        if shutil.which("runuser") is None:
            return "running as root and runuser (util-linux) is missing"
    return None


@dataclass(frozen=True)
class Server:
    port: int
    folder: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new empty database; its URL."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
        return self.url(name)


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", SERVER_USER, "--", *command] if os.geteuid() == 0 else command


def _checked(what: str, command: list[str], log: Path | None = None) -> None:
    """Run a PostgreSQL tool; on failure, raise with what it (and the server's log) said."""
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        said = done.stdout + done.stderr
        if log is not None and log.exists():
            said += log.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"{what} failed: {said}")


@contextmanager
def running_postgres(*settings: str) -> Iterator[Server]:
    """Start a throw-away server (`settings`: extra `-c name=value` of postgres) and stop it."""
    reason = missing()
    if reason:
        raise RuntimeError(reason)
    bin_dir = binaries()
    assert bin_dir is not None
    folder = Path(tempfile.mkdtemp(prefix="recommender-pg-"))
    data, log = folder / "data", folder / "server.log"
    run = _as_server_user
    try:
        if os.geteuid() == 0:
            user = pwd.getpwnam(SERVER_USER)
            os.chown(folder, user.pw_uid, user.pw_gid)
        port = free_port()
        _checked("initdb", run([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres",
                                "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
                                "--no-sync"]))  # fmt: skip
        options = " ".join(
            [f"-p {port}", f"-k {folder}", "-c listen_addresses=127.0.0.1",
             *(f"-c {s}" for s in settings)]
        )  # fmt: skip
        _checked("pg_ctl start", run([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options,
                                      "-l", str(log), "-w", "-t", str(START_TIMEOUT_S),
                                      "start"]), log)  # fmt: skip
        try:
            yield Server(port, folder)
        finally:
            subprocess.run(
                run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                check=False, capture_output=True,
            )  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)
