"""Debian's nginx with the shipped configuration (deploy/nginx), on loopback, for the tests and
benchmarks (tests/e2e/test_nginx.py, tests/e2e/test_replicas.py, benchmarks/replicas.py).

deploy/nginx/recommender.conf and its locations snippet are copied into a private prefix with only
what a loopback run needs changed (ports, the upstream servers, the cache folder, the include
path) plus the caller's edits; every change is asserted to apply, so runs follow the files as
they are.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.processes import free_port, stop

NGINX = Path("/usr/sbin/nginx")
DEPLOY = Path(__file__).resolve().parents[1] / "deploy" / "nginx"
MISSING = f"{NGINX} is absent: install Debian's nginx with `make nginx`"
Edits = Sequence[tuple[str, str]]  # (text of the shipped file, its replacement)


@dataclass(frozen=True)
class Proxy:
    public: str  # the public server block
    internal: str  # the loopback-only operators' server block
    public_port: int
    logs: Path  # error.log and access.log


def replace(text: str, old: str, new: str) -> str:
    """`text` with `old` replaced; the configuration must still contain what the caller changes."""
    if old not in text:
        raise AssertionError(f"the nginx configuration no longer contains {old!r}")
    return text.replace(old, new)


def render(
    prefix: Path,
    public: int,
    internal: int,
    upstreams: Sequence[int],
    locations_edits: Edits = (),
    site_edits: Edits = (),
) -> Path:
    """The shipped configuration under `prefix`, on loopback ports, proxying to `upstreams`
    (loopback ports); returns the main config."""
    for name in ("cache", "temp", "logs"):
        (prefix / name).mkdir(parents=True)
    locations = (DEPLOY / "recommender-locations.conf").read_text(encoding="utf-8")
    for old, new in locations_edits:
        locations = replace(locations, old, new)
    (prefix / "recommender-locations.conf").write_text(locations, encoding="utf-8")
    site = (DEPLOY / "recommender.conf").read_text(encoding="utf-8")
    servers = "\n    ".join(f"server 127.0.0.1:{port};" for port in upstreams)
    site = replace(site, "server 127.0.0.1:8000;", servers)
    site = replace(site, "listen 80;", f"listen 127.0.0.1:{public};")
    site = replace(site, "listen [::]:80;", "")  # the test machine may have no IPv6
    site = replace(site, "listen 127.0.0.1:8081;", f"listen 127.0.0.1:{internal};")
    site = replace(site, "/var/cache/nginx/recommender", str(prefix / "cache"))
    site = replace(
        site,
        "include /etc/nginx/snippets/recommender-locations.conf;",
        f"include {prefix / 'recommender-locations.conf'};",
    )
    for old, new in site_edits:
        site = replace(site, old, new)
    (prefix / "recommender.conf").write_text(site, encoding="utf-8")
    temp = prefix / "temp"
    # As root, nginx's workers would switch to `nobody`, who cannot enter pytest's private tmp.
    user = "user root;" if os.geteuid() == 0 else ""
    main = f"""
{user}
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "logs" / "error.log"} info;
events {{ worker_connections 1024; }}
http {{
    access_log {prefix / "logs" / "access.log"};
    default_type application/octet-stream;
    client_body_temp_path {temp / "body"};
    proxy_temp_path {temp / "proxy"};
    fastcgi_temp_path {temp / "fastcgi"};
    uwsgi_temp_path {temp / "uwsgi"};
    scgi_temp_path {temp / "scgi"};
    include {prefix / "recommender.conf"};
}}
"""
    conf = prefix / "nginx.conf"
    conf.write_text(main, encoding="utf-8")
    return conf


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    error = log.read_text(encoding="utf-8") if log.exists() else "(no error log)"
    raise AssertionError(f"nginx did not start (exit {process.poll()}):\n{error}")


def check(conf: Path) -> None:
    """`nginx -t` on the rendered configuration; raises with what nginx said."""
    prefix = conf.parent
    test = subprocess.run(
        [str(NGINX), "-t", "-p", str(prefix), "-c", str(conf)], capture_output=True, text=True
    )
    if test.returncode != 0:
        raise AssertionError(test.stderr)


@contextmanager
def running_nginx(
    prefix: Path,
    upstreams: Sequence[int],
    locations_edits: Edits = (),
    site_edits: Edits = (),
) -> Iterator[Proxy]:
    """nginx with the shipped configuration (rendered under `prefix`) in front of `upstreams`."""
    public, internal = free_port(), free_port()
    conf = render(prefix, public, internal, upstreams, locations_edits, site_edits)
    check(conf)
    process = subprocess.Popen(
        [str(NGINX), "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    log = prefix / "logs" / "error.log"
    try:
        wait_for_port(public, process, log)
        wait_for_port(internal, process, log)
        yield Proxy(
            f"http://127.0.0.1:{public}", f"http://127.0.0.1:{internal}", public, log.parent
        )
    finally:
        stop(process, timeout=10)
