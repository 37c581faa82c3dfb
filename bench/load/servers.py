"""The servers of a load run: 1..n app processes behind an nginx of the run's own.

Everything is started by the run, from a temporary folder, and stopped by its own PID,
whatever happens: `Servers` is a context manager, and its exit stops nginx first, then
each app process (SIGTERM, then SIGKILL after a grace period). nginx runs in the
foreground (`daemon off`) from a generated config (`nginx -c CONF -p PREFIX`) whose pid,
logs and temporary files all sit in that folder; nothing of the system's nginx is read or
changed. Stickiness follows the cookie variant of docs/deployment.md: every simulated
session sends its own `gdc_route` cookie, nginx hashes on it, so sessions spread over the
processes (ip_hash would put every 127.0.0.1 client on one).
"""

import os
import shutil
import signal
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import psutil

from bench.load.store import PROJECT_ROOT
from tests.browser import free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
STREAMLIT = str(PROJECT_ROOT / ".venv" / "bin" / "streamlit")
START_TIMEOUT = 60.0  # seconds for a process to answer /_stcore/health
STOP_GRACE = 10.0  # seconds between SIGTERM and SIGKILL

NGINX_CONF = """\
daemon off;
worker_processes 1;
{user}
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 8192; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;

    map $cookie_gdc_route $gdc_route {{
        ""      $request_id;
        default $cookie_gdc_route;
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ''      close;
    }}
    upstream gdc_tracker {{
        hash $gdc_route consistent;
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://gdc_tracker;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_buffering off;
            proxy_read_timeout 3600s;
            proxy_send_timeout 3600s;
            add_header Set-Cookie "gdc_route=$gdc_route; Path=/; HttpOnly; SameSite=Lax";
        }}
    }}
}}
"""


def wait_for_health(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process on port {port} exited; see {log}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.25)
    raise TimeoutError(f"nothing answered on port {port} within {START_TIMEOUT:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop one process this run started, by its PID."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(STOP_GRACE)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(STOP_GRACE)


@dataclass
class Servers:
    """`count` app processes on `database_url` behind nginx on `port`."""

    count: int
    database_url: str
    folder: Path
    options: list[str] = field(default_factory=list)  # more `--section.key value` pairs
    port: int = field(default_factory=free_port)
    app_ports: list[int] = field(default_factory=list)
    apps: list[subprocess.Popen[bytes]] = field(default_factory=list)
    nginx: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> "Servers":
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            self._start_apps()
            self._start_nginx()
        except BaseException:
            self.stop_all()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop_all()

    @property
    def base_ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def _start_apps(self) -> None:
        env = {**os.environ, "GDC_TRACKER_DATABASE_URL": self.database_url}
        for index in range(self.count):
            port = free_port()
            log = self.folder / f"app-{index + 1}.log"
            command = [STREAMLIT, "run", "serve.py", "--server.headless", "true"]
            command += ["--server.address", "127.0.0.1", "--server.port", str(port)]
            command += self.options
            with log.open("wb") as output:
                process = subprocess.Popen(
                    command, cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
                )
            self.apps.append(process)
            self.app_ports.append(port)
        for process, port, index in zip(self.apps, self.app_ports, range(self.count), strict=True):
            wait_for_health(port, process, self.folder / f"app-{index + 1}.log")

    def _start_nginx(self) -> None:
        prefix = self.folder / "nginx"
        prefix.mkdir(exist_ok=True)
        servers = "\n".join(f"        server 127.0.0.1:{port};" for port in self.app_ports)
        # As root, nginx's workers would drop to a user who cannot write this folder.
        user = "user root;" if os.geteuid() == 0 else ""
        conf = prefix / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(user=user, prefix=prefix, servers=servers, port=self.port)
        )
        log = prefix / "stderr.log"
        with log.open("wb") as output:
            self.nginx = subprocess.Popen(
                [NGINX, "-c", str(conf), "-p", str(prefix)], stdout=output, stderr=output
            )
        wait_for_health(self.port, self.nginx, log)

    def stop_all(self) -> None:
        for process in ([self.nginx] if self.nginx else []) + self.apps:
            stop(process)

    def processes(self) -> list[psutil.Process]:
        return [psutil.Process(process.pid) for process in self.apps]


@dataclass(frozen=True)
class Usage:
    """CPU seconds and resident memory of the app processes."""

    cpu_seconds: float
    rss_mb: float

    @classmethod
    def read(cls, processes: list[psutil.Process]) -> "Usage":
        cpu = rss = 0.0
        for process in processes:
            times = process.cpu_times()
            cpu += times.user + times.system
            rss += process.memory_info().rss
        return cls(cpu, rss / 1024 / 1024)
