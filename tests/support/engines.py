"""Throw-away database engines a fault test may stop, restart and kill: each lives in its own temp
dir on a free loopback port and is torn down afterwards. The machine's shared servers are never
touched. Also a TCP proxy a test controls (cutting it = the server behind it is gone)."""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any

from tests.support.service import free_port


def wait_for(ready: Callable[[], bool], what: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if ready():
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} not ready in {timeout_s}s")


def _port_open(port: int, host: str = "127.0.0.1") -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
        return True
    return False


def _as_user(user: str) -> dict[str, Any]:
    """Popen/run arguments that drop to `user` when we are root (initdb and postgres refuse root)."""
    if os.geteuid() != 0:
        return {}
    pw = pwd.getpwnam(user)
    return {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}


def _chown(path: str, user: str) -> None:
    if os.geteuid() == 0:
        pw = pwd.getpwnam(user)
        os.chown(path, pw.pw_uid, pw.pw_gid)


class _Engine:
    def __enter__(self) -> Any:
        try:
            return self.start()  # type: ignore[attr-defined]
        except BaseException:  # half-started: remove what there is
            self.destroy()  # type: ignore[attr-defined]
            raise

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.destroy()  # type: ignore[attr-defined]


class ThrowawayPostgres(_Engine):
    """initdb into a temp dir, `pg_ctl start` on a free port (trust auth, user postgres)."""

    def __init__(self, host: str = "127.0.0.1", port: int | None = None, user: str = "postgres",
                 netns: str | None = None):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
        if not bins:
            raise RuntimeError("no PostgreSQL binaries under /usr/lib/postgresql/*/bin")
        self.bin, self.host, self.port, self.user = bins[-1], host, port or free_port(), user
        self.netns = netns  # run the server in this network namespace (tests/support/netlab.py)
        self.dir = tempfile.mkdtemp(prefix="fission-pg-")
        _chown(self.dir, user)
        self.data = os.path.join(self.dir, "data")

    @property
    def url(self) -> str:
        return f"postgres://postgres@{self.host}:{self.port}/fission"

    def _run(self, *args: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        cmd = [os.path.join(self.bin, args[0]), *args[1:]]
        if self.netns:  # entering a namespace needs root: drop to the user inside it
            return subprocess.run(["ip", "netns", "exec", self.netns, "runuser", "-u", self.user, "--", *cmd],
                                  capture_output=True, text=True, check=check, timeout=timeout, cwd=self.dir)
        return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=timeout, cwd=self.dir,
                              **_as_user(self.user))

    def start(self) -> ThrowawayPostgres:
        self._run("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
        with open(os.path.join(self.data, "postgresql.auto.conf"), "a") as f:
            f.write(f"listen_addresses = '{self.host}'\nport = {self.port}\nunix_socket_directories = '{self.dir}'\n"
                    "fsync = off\nmax_connections = 200\nshared_buffers = 32MB\n")
        with open(os.path.join(self.data, "pg_hba.conf"), "a") as f:
            f.write("host all all 198.18.0.0/15 trust\n")  # the test network of tests/support/netlab.py
        self.up()
        self.sql("CREATE DATABASE fission", db="postgres")
        return self

    def up(self) -> None:
        self._run("pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "pg.log"), "-w", "-t", "60", "start")

    def down(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "60", "stop", check=False)

    def restart(self, mode: str = "fast") -> None:
        self.down(mode)
        self.up()

    def sql(self, statement: str, db: str = "fission") -> str:
        return subprocess.run([os.path.join(self.bin, "psql"), "-h", self.dir, "-p", str(self.port), "-U", "postgres",
                               "-d", db, "-Atqc", statement], capture_output=True, text=True, check=True,
                              timeout=30).stdout

    def kill_backends(self) -> int:
        """pg_terminate_backend on every client backend of the fission database but this one."""
        out = self.sql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                       "WHERE datname = 'fission' AND pid <> pg_backend_pid()")
        return int(out.strip() or 0)

    def destroy(self) -> None:
        with contextlib.suppress(Exception):
            self.down("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


class ThrowawayMariaDB(_Engine):
    """mariadb-install-db into a temp dir, mariadbd on a free port and its own socket."""

    def __init__(self, host: str = "127.0.0.1", port: int | None = None):
        self.host, self.port = host, port or free_port()
        self.dir = tempfile.mkdtemp(prefix="fission-maria-")
        self.data, self.sock = os.path.join(self.dir, "data"), os.path.join(self.dir, "mysqld.sock")
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mysql://root:@{self.host}:{self.port}/fission"

    def start(self) -> ThrowawayMariaDB:
        install = shutil.which("mariadb-install-db") or shutil.which("mysql_install_db")
        if not install:
            raise RuntimeError("mariadb-install-db not found")
        subprocess.run([install, "--no-defaults", f"--datadir={self.data}", "--user=root",
                        "--auth-root-authentication-method=normal", "--skip-test-db"],
                       capture_output=True, check=True, timeout=120)
        self.up()
        self.sql("CREATE DATABASE fission CHARACTER SET utf8mb4; "
                 "CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY ''; "
                 "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION")
        return self

    def up(self) -> None:
        server = shutil.which("mariadbd") or shutil.which("mysqld") or "/usr/sbin/mariadbd"
        self.proc = subprocess.Popen(
            [server, "--no-defaults", f"--datadir={self.data}", f"--port={self.port}", f"--bind-address={self.host}",
             f"--socket={self.sock}", f"--pid-file={self.dir}/mysqld.pid", "--user=root", "--skip-log-bin",
             "--innodb-buffer-pool-size=32M", "--innodb-flush-log-at-trx-commit=0", "--max-connections=300",
             "--skip-name-resolve", f"--log-error={self.dir}/mysqld.err"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: self.sql("SELECT 1") is not None, "mariadb", 60)

    def down(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: a fast, clean shutdown
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None

    def restart(self) -> None:
        self.down()
        self.up()

    def sql(self, statement: str) -> str:
        return subprocess.run(["mysql", "-uroot", f"--socket={self.sock}", "-N", "-B", "-e", statement],
                              capture_output=True, text=True, check=True, timeout=30).stdout

    def kill_backends(self) -> int:
        """KILL every client connection to the fission database."""
        ids = self.sql("SELECT id FROM information_schema.processlist WHERE db = 'fission' "
                       "AND id <> CONNECTION_ID()").split()
        for i in ids:
            with contextlib.suppress(subprocess.CalledProcessError):
                self.sql(f"KILL {int(i)}")
        return len(ids)

    def destroy(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


class ThrowawayRedis(_Engine):
    def __init__(self, host: str = "127.0.0.1", port: int | None = None, netns: str | None = None):
        self.host, self.port, self.netns = host, port or free_port(), netns
        self.dir = tempfile.mkdtemp(prefix="fission-redis-")
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://{self.host}:{self.port}/0"

    def start(self) -> ThrowawayRedis:
        self.proc = subprocess.Popen(
            [*(["ip", "netns", "exec", self.netns] if self.netns else []), "redis-server", "--port", str(self.port),
             "--bind", self.host, "--save", "", "--appendonly", "no", "--dir", self.dir, "--protected-mode", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: _port_open(self.port, self.host), "redis", 30)
        return self

    def destroy(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


class TcpProxy:
    """A loopback TCP proxy to `target_port`; `cut()` closes the listener and every connection
    through it (the server behind it is gone for its clients), `restore()` listens again."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1"):
        self.target = (target_host, target_port)
        self.port = free_port()
        self._lock = threading.Lock()
        self._socks: set[socket.socket] = set()
        self._listener: socket.socket | None = None

    def start(self) -> TcpProxy:
        self.restore()
        return self

    def restore(self) -> None:
        ls = socket.socket()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("127.0.0.1", self.port))
        ls.listen(128)
        self._listener = ls
        threading.Thread(target=self._accept, args=(ls,), daemon=True).start()

    def _accept(self, ls: socket.socket) -> None:
        while True:
            try:
                client, _ = ls.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._socks.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            socks, self._socks = self._socks, set()
        for s in socks:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def stop(self) -> None:
        self.cut()


@contextlib.contextmanager
def proxied(target_port: int) -> Iterator[TcpProxy]:
    proxy = TcpProxy(target_port).start()
    try:
        yield proxy
    finally:
        proxy.stop()
