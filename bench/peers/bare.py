"""A bare Sanic app: 2 workers, `/healthz` only — the floor any Sanic service sits on.

    python -m bench.peers.bare --port 8001 [--workers 2]

Served the way `main.py serve` serves Fission (workers forked from the built app, the same
backlog, no access log), so the only difference measured is what Fission does per request.
"""

from __future__ import annotations

import argparse
import logging

from sanic import Request, Sanic, json
from sanic.response import HTTPResponse


def create_app() -> Sanic:
    app = Sanic("bare_peer")

    @app.get("/healthz")
    async def healthz(request: Request) -> HTTPResponse:
        return json({"status": "ok"})

    return app


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    Sanic.start_method = "fork"
    app = create_app()
    app.prepare(host="127.0.0.1", port=args.port, workers=args.workers, access_log=False, motd=False,
                single_process=args.workers == 1, backlog=1024)
    Sanic.serve(primary=app)


if __name__ == "__main__":
    main()
