"""Throw-away Redis topologies for tests, on free loopback ports, stopped and deleted afterwards.

`RedisClusterNodes`: `masters` redis-server processes in cluster mode (each port's cluster bus,
port + 10000, free too), joined by `redis-cli --cluster create … --cluster-replicas 0 --cluster-yes`.
`RedisSentinelNodes`: a master, a replica and a sentinel watching them.

    with RedisClusterNodes() as cluster:
        Service(fake.url, redis_url=cluster.url)   # redis+cluster://127.0.0.1:p1,127.0.0.1:p2,…
"""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from types import TracebackType

BUS_OFFSET = 10000


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _ephemeral_low() -> int:
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768


def free_cluster_ports(n: int) -> list[int]:
    """n ports whose cluster bus ports are free as well, both below the kernel's ephemeral range: a
    bus port inside it was once taken by some connection's local port between this check and the
    node's start (the node exited; "redis on … not ready")."""
    ports: list[int] = []
    low = 20000
    high = max(low + 1000, _ephemeral_low() - BUS_OFFSET - 1)
    while len(ports) < n:
        p = random.randint(low, high)
        if p not in ports and _free(p) and _free(p + BUS_OFFSET):
            ports.append(p)
    return ports


def cli(port: int, *args: str) -> str:
    return subprocess.run(["redis-cli", "-p", str(port), *args], capture_output=True, text=True, check=True,
                          timeout=30).stdout


def wait_until(ready: Callable[[], bool], what: str, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except (subprocess.SubprocessError, OSError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} not ready in {timeout_s}s")


class RedisClusterNodes:
    def __init__(self, masters: int = 3):
        self.ports = free_cluster_ports(masters)
        self.dir = tempfile.mkdtemp(prefix="fission-cluster-")
        self.procs: list[subprocess.Popen[bytes]] = []

    @property
    def url(self) -> str:
        return "redis+cluster://" + ",".join(f"127.0.0.1:{p}" for p in self.ports)

    def start(self) -> RedisClusterNodes:
        for port in self.ports:
            self.procs.append(subprocess.Popen(
                ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
                 "--cluster-config-file", f"nodes-{port}.conf", "--cluster-node-timeout", "5000",
                 "--save", "", "--appendonly", "no", "--dir", self.dir, "--logfile", f"redis-{port}.log"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for port, proc in zip(self.ports, self.procs, strict=True):
            try:
                wait_until(lambda p=port: cli(p, "ping").strip() == "PONG", f"redis on {port}")
            except RuntimeError as e:
                raise RuntimeError(f"{e}; exit code {proc.poll()}; log: {self._log(port)}") from None
        subprocess.run(["redis-cli", "--cluster", "create", *[f"127.0.0.1:{p}" for p in self.ports],
                        "--cluster-replicas", "0", "--cluster-yes"], capture_output=True, check=True, timeout=60)
        for port in self.ports:
            wait_until(lambda p=port: "cluster_state:ok" in cli(p, "cluster", "info"), f"cluster node {port}")
        return self

    def _log(self, port: int) -> str:
        try:
            with open(f"{self.dir}/redis-{port}.log") as f:
                return f.read()[-600:]
        except OSError:
            return "(none)"

    def keys_per_node(self) -> dict[int, int]:
        return {p: int(cli(p, "dbsize").strip()) for p in self.ports}

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> RedisClusterNodes:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


class RedisSentinelNodes:
    """A master, one replica and one sentinel (quorum 1, master down after 1 s) on loopback ports."""

    MASTER = "fxmaster"

    def __init__(self, down_after_s: float = 1.0) -> None:
        self.down_after_s = down_after_s  # sentinel down-after-milliseconds: no failover starts sooner
        self.master_port, self.replica_port, self.sentinel_port = free_cluster_ports(3)
        self.dir = tempfile.mkdtemp(prefix="fission-sentinel-")
        self.procs: dict[int, subprocess.Popen[bytes]] = {}

    @property
    def url(self) -> str:
        return f"redis+sentinel://127.0.0.1:{self.sentinel_port}/{self.MASTER}/0"

    def _server(self, port: int, *args: str) -> None:
        self.procs[port] = subprocess.Popen(
            ["redis-server", *args, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.dir, "--logfile", f"redis-{port}.log"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self) -> RedisSentinelNodes:
        self._server(self.master_port)
        self._server(self.replica_port, "--replicaof", "127.0.0.1", str(self.master_port))
        conf = f"{self.dir}/sentinel.conf"
        with open(conf, "w") as f:
            f.write(f"sentinel monitor {self.MASTER} 127.0.0.1 {self.master_port} 1\n"
                    f"sentinel down-after-milliseconds {self.MASTER} {int(self.down_after_s * 1000)}\n"
                    f"sentinel failover-timeout {self.MASTER} 10000\n")
        self._server(self.sentinel_port, conf, "--sentinel")
        for port in (self.master_port, self.replica_port, self.sentinel_port):
            wait_until(lambda p=port: cli(p, "ping").strip() == "PONG", f"redis on {port}")
        wait_until(lambda: "master_link_status:up" in cli(self.replica_port, "info", "replication"), "replica")
        wait_until(lambda: "slaves=1" in cli(self.sentinel_port, "info", "sentinel"), "sentinel")
        return self

    def master_addr(self) -> str:
        return ":".join(cli(self.sentinel_port, "sentinel", "get-master-addr-by-name", self.MASTER).split())

    def kill_master(self) -> None:
        proc = self.procs.pop(self.master_port)
        proc.kill()
        proc.wait(10)

    def stop(self) -> None:
        for proc in self.procs.values():
            proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> RedisSentinelNodes:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
