"""Redis connection: a real server (redis://), a Redis Cluster (redis+cluster://), a master found
through Redis Sentinel (redis+sentinel://, see `sentinel_client`) or the embedded stand-in
(memory://, fakeredis).

Cluster: `redis.url: redis+cluster://[user:password@]host:port[,host:port…]` (`rediss+cluster://`
for TLS) seeds `redis.asyncio.cluster.RedisCluster`, which discovers every node and sends each
command to the node owning its key's hash slot. Every script and MULTI of Fission keeps its keys in
one slot (the hash tags of bot/keys.py); the non-transactional pipelines that read several slots
at once (the batched help screen) are split per node by the client. A node's connections are capped at
`redis.max_connections` per process; past that a command fails fast with a RedisError (help checks
fall back to the database, rate limits fail open) rather than waiting as the single-server pool does.

redis-py's cluster client can surface a connection broken under it (a command cancelled mid-way,
e.g. by a client that hung up) as AttributeError / RuntimeError in *another* command — measured
here under the two-instance storm — and a cluster it cannot reach at all as RedisClusterException,
which is no RedisError. `SafeRedisCluster` turns all three into redis' ConnectionError, so every
caller's Redis-is-optional path applies instead of a 500 (tests/test_cluster_storm.py).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import redis.asyncio as aioredis
from redis.asyncio.cluster import ClusterNode, ClusterPipeline, RedisCluster
from redis.asyncio.retry import Retry
from redis.asyncio.sentinel import Sentinel
from redis.backoff import NoBackoff
from redis.connection import HiredisRespSerializer
from redis.exceptions import ConnectionError, RedisClusterException, TimeoutError  # noqa: A004 - redis' own

from bot.settings import RedisSettings

Redis = aioredis.Redis
CLUSTER_SCHEMES = ("redis+cluster://", "rediss+cluster://")
SENTINEL_SCHEME = "redis+sentinel://"
# what a connection torn down under a command raises, and what an unreachable cluster raises
BROKEN_CONNECTION = (AttributeError, RuntimeError, RedisClusterException)


def _broken(e: Exception) -> ConnectionError:
    return ConnectionError(f"redis cluster connection broken: {e!r}")


class SafeClusterPipeline(ClusterPipeline):
    async def __aenter__(self) -> SafeClusterPipeline:  # initializes the cluster client on first use
        try:
            await super().__aenter__()
        except BROKEN_CONNECTION as e:
            raise _broken(e) from e
        return self

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return await super().execute(*args, **kwargs)
        except BROKEN_CONNECTION as e:
            raise _broken(e) from e


class SafeRedisCluster(RedisCluster):
    """RedisCluster whose broken-connection errors are RedisErrors (see the module docstring)."""

    async def execute_command(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return await super().execute_command(*args, **kwargs)
        except BROKEN_CONNECTION as e:
            raise _broken(e) from e

    def pipeline(self, transaction: Any | None = None, shard_hint: Any | None = None) -> SafeClusterPipeline:
        if shard_hint:
            raise ValueError("shard_hint is not supported in cluster mode")
        # redis-py instantiates its own ClusterPipeline the same way; its typing only makes the attribute look abstract
        return SafeClusterPipeline(self, transaction)  # type: ignore[abstract]


def is_cluster(url: str) -> bool:
    return url.startswith(CLUSTER_SCHEMES)


def cluster_seeds(url: str) -> tuple[list[tuple[str, int]], dict[str, Any]]:
    """`rediss+cluster://u:p@h1:7000,h2:7001` -> ([("h1", 7000), ("h2", 7001)], {ssl, username, password})."""
    seeds, auth, _path = _nodes(url)
    return seeds, auth


def _nodes(url: str) -> tuple[list[tuple[str, int]], dict[str, Any], list[str]]:
    """(host, port) seeds, credentials and the path segments of a cluster or sentinel URL."""
    scheme, rest = url.split("://", 1)
    netloc, _, path = rest.split("?", 1)[0].partition("/")
    auth: dict[str, Any] = {"ssl": scheme.startswith("rediss")}
    if "@" in netloc:
        userinfo, netloc = netloc.rsplit("@", 1)
        user, _, password = userinfo.partition(":")
        auth.update(username=unquote(user) or None, password=unquote(password) or None)
    seeds = []
    for hostport in netloc.split(","):
        host, _, port = hostport.strip().rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"cluster node must be host:port, got {hostport!r}")
        seeds.append((host.strip("[]"), int(port)))
    return seeds, auth, [p for p in path.split("/") if p]


def sentinel_client(cfg: RedisSettings, decode: bool) -> Any:
    """`redis+sentinel://[user:password@]host:26379[,host:26379…]/MASTER_NAME[/DB]`: the current master
    of MASTER_NAME as the sentinels report it; after a failover the client reconnects to the new one."""
    seeds, auth, path = _nodes(cfg.url)
    if not path or len(path) > 2 or (len(path) == 2 and not path[1].isdigit()):
        raise ValueError("sentinel URL needs /MASTER_NAME[/DB]")
    # redis-py leaves Sentinel.__init__ unannotated
    sentinels = Sentinel(  # type: ignore[no-untyped-call]
        seeds, socket_timeout=cfg.pool_timeout_s, socket_connect_timeout=cfg.connect_timeout_s)
    return sentinels.master_for(path[0], db=int(path[1]) if len(path) == 2 else 0, decode_responses=decode,
                                max_connections=cfg.max_connections, health_check_interval=30,
                                socket_connect_timeout=cfg.connect_timeout_s, **auth)


class _HiredisPacking:
    """A redis.asyncio connection that packs commands with hiredis's C packer — redis-py's own
    `HiredisRespSerializer`, which its sync client uses when hiredis is installed. The asyncio client
    packs in Python and joins the whole command again for each argument: a batch's admission script
    (~90 arguments, bot/wechat/admission.py) cost ~5 µs more per delivery that way."""

    _packer = HiredisRespSerializer()

    def pack_command(self, *args: Any) -> list[bytes]:
        packed: list[bytes] = self._packer.pack(*args)
        return packed


_PACKING: dict[type, type] = {}


def hiredis_packing(connection_class: type) -> type:
    """`connection_class` (plain, TLS or unix socket, as the URL chose) packing with hiredis."""
    if connection_class not in _PACKING:
        _PACKING[connection_class] = type(connection_class.__name__, (_HiredisPacking, connection_class), {})
    return _PACKING[connection_class]


def connect(cfg: RedisSettings, *, decode: bool = True) -> Any:
    """A client with str responses (bytes with `decode=False`). memory:// is process-local: for a
    single-process demo only."""
    if cfg.url.startswith("memory://"):
        import fakeredis  # embedded default only; never used against a real deployment

        return fakeredis.FakeAsyncRedis(decode_responses=decode)
    if cfg.url.startswith(SENTINEL_SCHEME):
        return sentinel_client(cfg, decode)
    if is_cluster(cfg.url):
        seeds, auth = cluster_seeds(cfg.url)
        return SafeRedisCluster(startup_nodes=[ClusterNode(h, p) for h, p in seeds], decode_responses=decode,
                            max_connections=cfg.max_connections, health_check_interval=30,
                            socket_connect_timeout=cfg.connect_timeout_s, **auth)
    # A blocking pool: under a burst, callers wait briefly for a connection. redis-py's default pool
    # caps at 100 and *raises* past it, which would look like an outage and push load to the DB.
    # Redis is an accelerator: when it is down, fail fast (one quick retry) and let the database
    # answer, instead of redis-py's default backoff stalling every request.
    pool = aioredis.BlockingConnectionPool.from_url(
        cfg.url, decode_responses=decode, health_check_interval=30, max_connections=cfg.max_connections,
        timeout=cfg.pool_timeout_s, socket_connect_timeout=cfg.connect_timeout_s,
        retry=Retry(NoBackoff(), 1), retry_on_error=[ConnectionError, TimeoutError])
    pool.connection_class = hiredis_packing(pool.connection_class)
    return aioredis.Redis(connection_pool=pool)


def is_cluster_client(client: Any) -> bool:
    """A Redis Cluster client: one script or MULTI may touch keys of one hash slot only."""
    return isinstance(client, RedisCluster)
