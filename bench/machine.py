"""What the machine was doing while a bench ran: load average, CPU steal, a process group's CPU.

Figures on a shared 2-core machine move with everything else running there; each bench prints
these beside its ratios so a reader can tell a quiet run from a crowded one.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass


def cpu_ticks() -> tuple[int, int]:
    """(steal, total) jiffies of the whole machine so far (/proc/stat)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    return fields[7], sum(fields[:8])


@dataclass
class Window:
    """Opened before a measurement; `steal()` and `busy()` cover the time since."""

    ticks: tuple[int, int]

    @classmethod
    def open(cls) -> Window:
        return cls(cpu_ticks())

    def steal(self) -> float:
        steal, total = cpu_ticks()
        return (steal - self.ticks[0]) / max(1, total - self.ticks[1])


def load1() -> float:
    return os.getloadavg()[0]


def status_line(w: Window) -> str:
    return f"load {load1():.2f}  steal {w.steal():.1%}  ({os.cpu_count()} CPUs)"


def group_pids(pgid: int) -> list[str]:
    return subprocess.run(["pgrep", "-g", str(pgid)], capture_output=True, text=True).stdout.split()


def cpu_s(pids: list[str]) -> float:
    """User + system CPU seconds used so far by these processes (those still alive)."""
    ticks = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")
