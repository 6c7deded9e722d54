"""The peers the benchmarks measure Fission against, in the same run on the same machine:
`bare` (Sanic with nothing but /healthz, the floor of any Sanic service) and `seed` (the seed's
own help design: a lock per packet, read-check-write in PostgreSQL, Redis counters)."""
