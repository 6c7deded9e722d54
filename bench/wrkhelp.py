"""wrk drivers shared by the benchmarks: Lua scripts giving each request its own session/path/body.

`run_requests`: each wrk thread walks its own slice of a request list and stops after `per_thread`
answers, so every measured request is a real, distinct request (no filler traffic in the latency
figures), and checks each answer in Lua (`response()`: status, a bare `success` body). The list
goes to wrk as a data file, one request a line (tab-separated, backslash-escaped), read once per
thread at start: tens of thousands of requests with bodies would overflow the constant table of a
generated Lua chunk.

`run_timed`: the same distinct requests for a fixed time, as plain wrk runs `/healthz`. The Lua
script has no `response()` — with one, wrk hands every answer's headers and body to Lua, which cost
~30 µs of the shared cores per answer on a 2-core box, a load the plain `/healthz` run does not
carry. Requests go to wrk already formatted (raw HTTP, one file per thread); what the answers were
is read from the service's own counters (the caller's job), wrk counts only non-2xx answers.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass

LUA = r"""
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } fx_timespec;
int clock_gettime(int clk_id, fx_timespec *tp);
]]
local function now_us()
  local ts = ffi.new("fx_timespec")
  ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC: comparable across threads
  return tonumber(ts.tv_sec) * 1000000 + tonumber(ts.tv_nsec) / 1000
end
local unescape = {n = "\n", r = "\r", t = "\t", ["\\"] = "\\"}
local function field(s) return (s:gsub("\\(.)", unescape)) end
local reqs = {}
for line in io.lines(os.getenv("FX_REQS")) do  -- method, path, cookie[, body]
  local r = {}
  for f in (line .. "\t"):gmatch("([^\t]*)\t") do r[#r + 1] = field(f) end
  reqs[#reqs + 1] = r
end
local signal_dir = os.getenv("FX_SIGNAL_DIR")
local threads = {}
local nthreads = tonumber(os.getenv("FX_THREADS"))
local per_thread = tonumber(os.getenv("FX_PER_THREAD"))
CONTENT_TYPE = os.getenv("FX_CONTENT_TYPE")
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
local function format(r)  -- method, path, cookie[, body] -> the request as sent
  if r[4] then
    local h = {["Content-Type"] = CONTENT_TYPE}
    if r[3] ~= "" then h["Cookie"] = r[3] end
    return wrk.format(r[1], r[2], h, r[4])
  end
  return wrk.format(r[1], r[2], {["Cookie"] = r[3], ["Content-Length"] = "0"})
end
function init(args)
  idx = tid + 1
  raw = {}  -- this thread's requests, formatted before the first is sent (not while measuring)
  for i = idx, #reqs, nthreads do raw[i] = format(reqs[i]) end
  answered, ok, c4, c5, bare, t_first, t_last, cpu_first, cpu_last = 0, 0, 0, 0, 0, 0, 0, 0, 0
end
function request()
  if t_first == 0 then t_first, cpu_first = now_us(), os.clock() end
  local s = raw[idx]
  idx = idx + nthreads
  return s or format(reqs[1])
end
function response(status, headers, body)
  answered = answered + 1
  if status == 200 then ok = ok + 1 elseif status >= 500 then c5 = c5 + 1 else c4 = c4 + 1 end
  if status == 200 and body == "success" then bare = bare + 1 end
  if answered == per_thread then
    t_last, cpu_last = now_us(), os.clock()  -- os.clock: the whole wrk process's CPU
    local f = io.open(signal_dir .. "/done-" .. tid, "w")
    f:write("1")
    f:close()
    wrk.thread:stop()
  end
end
function done(summary, latency, requests)
  local o, f, s, n, t0, t1, c0, c1 = 0, 0, 0, 0, nil, 0, nil, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok"); f = f + t:get("c4"); s = s + t:get("c5"); n = n + t:get("bare")
    local a, b = t:get("t_first"), t:get("t_last")
    if t0 == nil or a < t0 then t0 = a end
    if b > t1 then t1 = b end
    a, b = t:get("cpu_first"), t:get("cpu_last")
    if c0 == nil or a < c0 then c0 = a end
    if b > c1 then c1 = b end
  end
  io.write(string.format("FXRESULT {\"requests\": %d, \"duration_us\": %d, \"ok\": %d, \"c4xx\": %d, " ..
    "\"c5xx\": %d, \"p50_us\": %d, \"p99_us\": %d, \"errors\": %d, \"bare\": %d, \"max_us\": %d, " ..
    "\"client_cpu_us\": %d}\n",
    summary.requests, t1 - t0, o, f, s, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, n, latency.max,
    (c1 - c0) * 1e6))
end
"""


@dataclass
class WrkResult:
    requests: int
    duration_s: float
    ok: int
    c4xx: int
    c5xx: int
    p50_ms: float
    p99_ms: float
    errors: int
    bare: int = 0  # 200 answers whose body was exactly "success" (e.g. a WeChat callback deduplicated)
    max_ms: float = 0.0  # the slowest answer: a short run's rate hangs on it
    client_cpu_s: float = 0.0  # CPU wrk itself used while measuring (it shares the machine's cores)

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s


Req = tuple[str, str, str] | tuple[str, str, str, str]  # (method, path, cookie) or with a body


def _escape(field: str) -> str:
    return field.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def write_requests(path: str, reqs: Sequence[Req]) -> None:
    """The data file the Lua script reads: one request a line, fields tab-separated and escaped."""
    with open(path, "w", encoding="utf-8") as f:
        f.writelines("\t".join(_escape(x) for x in r) + "\n" for r in reqs)


def run_requests(base: str, reqs: Sequence[Req], count: int, connections: int = 200,
                 threads: int = 2, timeout_s: int = 60, *, content_type: str = "text/xml") -> WrkResult:
    """Send `count` of `reqs` ((method, path, cookie) or (method, path, cookie, body), distinct)
    with wrk; return its figures. A request with a body is sent with `content_type`. Give at least
    `count + connections` requests: in-flight requests past a thread's share use the next ones."""
    tmp = tempfile.mkdtemp(prefix="fx-wrk-")
    reqs_path, script = os.path.join(tmp, "reqs.tsv"), os.path.join(tmp, "script.lua")
    write_requests(reqs_path, reqs)
    with open(script, "w") as f:
        f.write(LUA)
    env = dict(os.environ, FX_REQS=reqs_path, FX_THREADS=str(threads), FX_PER_THREAD=str(count // threads),
               FX_SIGNAL_DIR=tmp, FX_CONTENT_TYPE=content_type)
    proc = subprocess.Popen(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{timeout_s}s",
                             "--timeout", "10s", "-s", script, base], env=env, stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + timeout_s + 5
    while time.monotonic() < deadline and proc.poll() is None:
        if all(os.path.exists(os.path.join(tmp, f"done-{t}")) for t in range(threads)):
            proc.send_signal(signal.SIGINT)  # wrk stops and prints its summary
            break
        time.sleep(0.05)
    out = proc.communicate(timeout=30)[0]
    data = json.loads(re.search(r"FXRESULT (\{.*\})", out).group(1))  # type: ignore[union-attr]
    return WrkResult(data["requests"], data["duration_us"] / 1e6, data["ok"], data["c4xx"], data["c5xx"],
                     data["p50_us"] / 1000, data["p99_us"] / 1000, data["errors"], data["bare"], data["max_us"] / 1000,
                     data["client_cpu_us"] / 1e6)


LUA_TIMED = r"""
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
function init(args)  -- this thread's requests, raw HTTP, NUL-separated
  local f = assert(io.open(os.getenv("FX_REQS_DIR") .. "/t" .. tid, "rb"))
  local data = f:read("*a")
  f:close()
  raw, n, idx, over, cpu_first = {}, 0, 0, 0, -1
  local at = 1
  while true do
    local e = data:find("\0", at, true)
    if not e then break end
    n = n + 1
    raw[n] = data:sub(at, e - 1)
    at = e + 1
  end
end
function request()
  if cpu_first < 0 then cpu_first = os.clock() end  -- os.clock: the whole wrk process's CPU
  idx = idx + 1
  if idx > n then  -- out of distinct requests: the last again (the caller sees `over` and the repeats)
    idx, over = n, over + 1
  end
  return raw[idx]
end
function done(summary, latency, requests)
  local over, c0 = 0, nil
  for _, t in ipairs(threads) do
    over = over + t:get("over")
    local c = t:get("cpu_first")
    if c >= 0 and (c0 == nil or c < c0) then c0 = c end
  end
  io.write(string.format("FXRESULT {\"requests\": %d, \"duration_us\": %d, \"non2xx\": %d, \"p50_us\": %d, " ..
    "\"p99_us\": %d, \"errors\": %d, \"over\": %d, \"max_us\": %d, \"client_cpu_us\": %d}\n",
    summary.requests, summary.duration, summary.errors.status, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, over,
    latency.max, (os.clock() - (c0 or 0)) * 1e6))
end
"""


@dataclass
class TimedResult:
    """What wrk saw in a timed run; `over`: requests sent again after a thread ran out of new ones."""

    requests: int
    duration_s: float
    non2xx: int
    p50_ms: float
    p99_ms: float
    errors: int
    over: int
    max_ms: float
    client_cpu_s: float

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s


def raw_request(host: str, r: Req, content_type: str) -> bytes:
    """A request as wrk.format would write it: method, path, Host, Cookie, Content-Type/-Length."""
    method, path, cookie = r[0], r[1], r[2]
    body = r[3].encode() if len(r) > 3 else b""
    head = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    if cookie:
        head.append(f"Cookie: {cookie}")
    if body:
        head.append(f"Content-Type: {content_type}")
    head.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def run_timed(base: str, reqs: Sequence[Req], seconds: int, connections: int = 100,
              threads: int = 2, *, content_type: str = "text/xml") -> TimedResult:
    """Send `reqs` (distinct, in order, spread over the threads) for `seconds` with wrk, no
    `response()` hook; give more than the run can send (`over` counts the repeats otherwise)."""
    tmp = tempfile.mkdtemp(prefix="fx-wrk-")
    host = base.split("://", 1)[1].split("/", 1)[0]
    for t in range(threads):
        with open(os.path.join(tmp, f"t{t}"), "wb") as f:
            f.writelines(raw_request(host, r, content_type) + b"\0" for r in reqs[t::threads])
    script = os.path.join(tmp, "timed.lua")
    with open(script, "w") as f:
        f.write(LUA_TIMED)
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
                          "-s", script, base], env=dict(os.environ, FX_REQS_DIR=tmp), capture_output=True, text=True,
                         check=True).stdout
    d = json.loads(re.search(r"FXRESULT (\{.*\})", out).group(1))  # type: ignore[union-attr]
    return TimedResult(d["requests"], d["duration_us"] / 1e6, d["non2xx"], d["p50_us"] / 1000, d["p99_us"] / 1000,
                       d["errors"], d["over"], d["max_us"] / 1000, d["client_cpu_us"] / 1e6)


def run_plain(url: str, seconds: int = 8, connections: int = 200, threads: int = 2) -> WrkResult:
    """Plain wrk against one URL (the /healthz baseline)."""
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency",
                          url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1))  # type: ignore[union-attr]
    return WrkResult(total, total / rps, total, 0, 0, p50, p99, 0)


def _ms(text: str) -> float:
    value, unit = float(re.match(r"[\d.]+", text).group(0)), re.sub(r"[\d.]+", "", text)  # type: ignore[union-attr]
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
