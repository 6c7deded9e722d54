"""A throw-away network of "hosts" on this machine: one network namespace per host, each joined by
a veth pair to a bridge the lab creates, addresses from 198.18.0.0/15 (RFC 2544's benchmarking
range, routed nowhere). The test process stays in the root namespace and reaches every host as
198.18.x.1 (the bridge's address). Nothing of the machine's own network is touched: no route,
no NAT, no forwarding rule is added; `destroy()` kills what runs in the namespaces and removes
them and the bridge, and is safe to call after a half-built lab.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import uuid
from dataclasses import dataclass


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check, timeout=30)


def why_not() -> str | None:
    """Why a lab cannot be built here (None: it can)."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    if not shutil.which("ip"):
        return "iproute2's `ip` is not installed"
    name = "fxprobe" + uuid.uuid4().hex[:6]
    probe = _ip("netns", "add", name, check=False)
    if probe.returncode:
        return f"`ip netns add` failed: {probe.stderr.strip()}"
    _ip("netns", "del", name, check=False)
    return None


@dataclass
class Host:
    name: str  # the namespace
    addr: str
    veth: str  # the bridge side of its link: down = the host is cut off


class NetLab:
    def __init__(self, hosts: list[str], subnet: str = "198.18.0"):
        self.id = uuid.uuid4().hex[:5]
        self.bridge = f"fxbr{self.id}"
        self.gateway = f"{subnet}.1"
        self.hosts = {h: Host(f"fx{self.id}-{h}", f"{subnet}.{10 + i}", f"fx{self.id}v{i}")
                      for i, h in enumerate(hosts)}

    def build(self) -> NetLab:
        _ip("link", "add", self.bridge, "type", "bridge")
        _ip("addr", "add", f"{self.gateway}/24", "dev", self.bridge)
        _ip("link", "set", self.bridge, "up")
        for h in self.hosts.values():
            peer = h.veth + "p"
            _ip("netns", "add", h.name)
            _ip("link", "add", h.veth, "type", "veth", "peer", "name", peer)
            _ip("link", "set", peer, "netns", h.name)
            _ip("link", "set", h.veth, "master", self.bridge)
            _ip("link", "set", h.veth, "up")
            _ip("netns", "exec", h.name, "ip", "addr", "add", f"{h.addr}/24", "dev", peer)
            _ip("netns", "exec", h.name, "ip", "link", "set", peer, "up")
            _ip("netns", "exec", h.name, "ip", "link", "set", "lo", "up")
        return self

    def cut(self, host: str) -> None:
        _ip("link", "set", self.hosts[host].veth, "down")

    def restore(self, host: str) -> None:
        _ip("link", "set", self.hosts[host].veth, "up")

    def destroy(self) -> None:
        for h in self.hosts.values():
            pids = _ip("netns", "pids", h.name, check=False).stdout.split()
            for pid in pids:  # only processes inside this lab's own namespaces
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(pid), signal.SIGKILL)
            _ip("netns", "del", h.name, check=False)
            _ip("link", "del", h.veth, check=False)
        _ip("link", "del", self.bridge, check=False)

    def __enter__(self) -> NetLab:
        try:
            return self.build()
        except BaseException:
            self.destroy()
            raise

    def __exit__(self, *exc: object) -> None:
        self.destroy()
