"""Observability on the real service (PostgreSQL, Redis, two Sanic workers, the fake WeChat):
/metrics sums every worker, counts helps, draws, callback outcomes, WeChat errors and token refreshes, reads outbox and
stock gauges from the database; JSON logs carry the request id from the HTTP request into the
outbox row and the worker's delivery; /readyz checks RabbitMQ when it is configured."""

from __future__ import annotations

import glob
import json
import logging
import os
import re
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing

import httpx
import pytest

from bot.infra import logs
from bot.web import metrics
from tests.support.fakewx import FakeWeChat, Fault
from tests.support.paykit import WINDOW, admin_client
from tests.support.service import Service, login
from tests.support.wxclient import fixture_xml, mp_server, unique_msg_id

REDIS_DB = 2
AMQP_URL = os.environ.get("FISSION_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672/")
OUTBOX = {"poll_interval_s": 0.2, "backoff_base_s": 0.2, "backoff_max_s": 0.5}


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text (0 when absent)."""
    for line in text.splitlines():
        m = re.fullmatch(r"([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)", line)
        if not m or m.group(1) != name:
            continue
        got = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        if got == labels:
            return float(m.group(3))
    return 0.0


def scrape(svc: Service) -> str:
    with httpx.Client(timeout=30) as c:  # a fresh connection: any worker may answer
        r = c.get(svc.base + "/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    return r.text


def until(cond: Callable[[], bool], timeout_s: float = 20) -> None:
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if cond():
            return
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeWeChat]:
    srv = FakeWeChat()
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def metrics_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = str(tmp_path_factory.mktemp("prom"))
    open(os.path.join(path, "counter_999999.db"), "wb").close()  # a previous deployment's file
    os.environ[metrics.MULTIPROC_ENV] = path
    try:
        yield path
    finally:
        os.environ.pop(metrics.MULTIPROC_ENV, None)


@pytest.fixture(scope="module")
def svc(fake: FakeWeChat, metrics_dir: str) -> Iterator[Service]:
    s = Service(fake.url, workers=2, redis_db=REDIS_DB, outbox=OUTBOX)
    yield s
    s.stop()


def test_counters_are_summed_over_every_worker(svc: Service, metrics_dir: str) -> None:
    def pids() -> set[str]:
        return {re.sub(r"\D", "", os.path.basename(f)) for f in glob.glob(os.path.join(metrics_dir, "counter_*.db"))}

    sent = 0
    while sent < 30 or (len(pids()) < 2 and sent < 600):  # until both workers answered (the kernel picks)
        with httpx.Client() as c:  # a new connection each: spread over both workers
            assert c.get(svc.base + "/readyz").status_code == 200
        sent += 1
    assert not os.path.exists(os.path.join(metrics_dir, "counter_999999.db")), "old files are cleaned at start"
    assert len(pids()) >= 2, pids()
    for _ in range(6):  # whichever worker answers, it reports the deployment's total
        text = scrape(svc)
        assert sample(text, "fission_http_requests_total", route="readyz", method="GET", status="200") == sent
        assert sample(text, "fission_http_request_duration_seconds_count", route="readyz", method="GET") == sent
    assert sample(scrape(svc), "fission_db_gauges_up") == 1


def test_unknown_paths_share_one_label(svc: Service) -> None:
    for i in range(5):
        assert httpx.get(f"{svc.base}/no/such/{uuid.uuid4().hex}/{i}").status_code == 404
    text = scrape(svc)
    assert sample(text, "fission_http_requests_total", route="unmatched", method="GET", status="404") == 5
    assert "no/such" not in text


def test_helps_by_outcome_and_request_id_into_outbox_and_worker_logs(svc: Service, fake: FakeWeChat) -> None:
    owner = "o-own-" + uuid.uuid4().hex[:6]
    rid = "rid-" + uuid.uuid4().hex[:12]
    with httpx.Client(timeout=30) as c:
        r = c.send(svc.order_event_request(openid=owner))
        assert r.status_code == 200
    packet = r.json()["packet"]
    with closing(login(svc.base, owner)) as me:
        token = me.post(f"/api/packets/{packet['id']}/share").json()["share_token"]
        assert me.post(f"/api/share/{token}/help").json()["error"] == "self_help"
    helper = "o-hlp-" + uuid.uuid4().hex[:6]
    with closing(login(svc.base, helper)) as friend:
        ok = friend.post(f"/api/share/{token}/help", headers={"X-Request-Id": rid})
        assert ok.status_code == 200, ok.text
        assert friend.post(f"/api/share/{token}/help").json()["error"] == "already_helped"
    text = scrape(svc)
    assert sample(text, "fission_helps_total", result="accepted", reason="") == 1
    assert sample(text, "fission_helps_total", result="refused", reason="self_help") == 1
    assert sample(text, "fission_helps_total", result="refused", reason="already_helped") == 1
    payload = psql(svc, f"SELECT payload FROM outbox WHERE key = 'help:{packet['id']}:' || "
                        f"(SELECT id FROM users WHERE openid = '{helper}')")
    assert json.loads(payload)["request_id"] == rid
    until(lambda: any(r.get("request_id") == rid and "sent" in r["msg"] for r in log_records(svc)))
    assert any(c.body.get("client_msg_id") == f"help:{packet['id']}:" + psql(
        svc, f"SELECT id FROM users WHERE openid = '{helper}'") for c in fake.calls_to("/cgi-bin/message/template"))


def test_wechat_errors_by_errcode_and_token_refreshes(svc: Service, fake: FakeWeChat) -> None:
    fake.inject("/cgi-bin/message/template/send", Fault(errcode=45009))
    with httpx.Client(timeout=30) as c:
        assert c.send(svc.order_event_request()).status_code == 200  # "issued" template message
    api = "/cgi-bin/message/template/send"
    until(lambda: sample(scrape(svc), "fission_wechat_api_errors_total", api=api, errcode="45009") == 1)
    until(lambda: sample(scrape(svc), "fission_outbox_deliveries_total", kind="issued", outcome="sent") >= 1)
    text = scrape(svc)
    assert sample(text, "fission_wechat_token_refreshes_total", api="/cgi-bin/stable_token", outcome="ok") >= 1
    retried = [line for line in text.splitlines()
               if line.startswith("fission_outbox_deliveries_total{") and 'outcome="pending"' in line]
    assert retried, "the 45009 answer was retried later"


def test_callback_outcomes(svc: Service) -> None:
    """Each delivery counted once by what it got: a reply, nothing, or `success` for a repeat."""
    mp = mp_server(svc.base, svc.config)
    before = scrape(svc)
    helped = fixture_xml("text_help.xml", FromUserName="o-cb-metrics", MsgId=unique_msg_id())
    for _ in range(3):  # WeChat's first delivery and two retries of it
        assert mp.send(helped, aes=True).status == 200
    assert mp.send(fixture_xml("event_unsubscribe.xml", FromUserName="o-cb-metrics"), aes=True).body == "success"
    after = scrape(svc)

    def grew(outcome: str) -> float:
        return (sample(after, "fission_wechat_callbacks_total", door="wxmp", outcome=outcome)
                - sample(before, "fission_wechat_callbacks_total", door="wxmp", outcome=outcome))

    assert (grew("reply"), grew("duplicate"), grew("no_reply"), grew("late")) == (1, 2, 1, 0)


def test_draws_and_stock(svc: Service) -> None:
    with admin_client(svc) as admin:
        act = admin.post("/admin/api/activities", json={
            "name": "指标抽奖", **WINDOW, "frequency": 0, "win_limit": 0,
            "prizes": [{"name": "杯子", "kind": "goods", "weight": 1, "stock": 7},
                       {"name": "谢谢参与", "kind": "none", "weight": 1}]}).json()
    with closing(login(svc.base, "o-drawer")) as phone:
        assert phone.post("/api/payments/no-such-order/draw").status_code == 404
    time.sleep(metrics.SNAPSHOT_TTL_S)  # let every worker's gauge cache lapse
    text = scrape(svc)
    assert sample(text, "fission_draws_total", result="not_found") == 1
    assert sample(text, "fission_lottery_stock", activity_id=str(act["id"])) == 7
    assert sample(text, "fission_outbox_backlog") >= 0 and "fission_outbox_dead_letters" in text


def psql(svc: Service, sql: str) -> str:
    return subprocess.run(["psql", svc.db_url, "-tAc", sql], check=True, capture_output=True, text=True).stdout.strip()


def log_records(svc: Service) -> list[dict[str, object]]:
    out = []
    with open(svc.log_path) as f:
        for line in f:
            try:
                out.append(json.loads(line))
            except ValueError:
                continue
    return out


@pytest.mark.parametrize(("amqp_url", "status"), [(AMQP_URL, 200), ("amqp://guest:guest@127.0.0.1:1/", 503)])
def test_readyz_checks_rabbitmq_when_configured(fake: FakeWeChat, amqp_url: str, status: int,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(metrics.MULTIPROC_ENV, raising=False)  # another deployment: its own directory
    s = Service(fake.url, workers=1, redis_db=REDIS_DB, orders={"amqp_url": amqp_url, "queue": "q" + uuid.uuid4().hex})
    try:
        r = httpx.get(s.base + "/readyz", timeout=30)
        assert r.status_code == status, r.text
        if status == 503:
            assert "rabbitmq" in r.json()["problems"]
    finally:
        s.stop()


def test_json_lines_carry_the_request_id() -> None:
    record = logging.LogRecord("fission.test", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    with logs.bound_request_id("rid-1"):
        logs.RequestIdFilter().filter(record)
        tagged = logs.tag_payload({"packet_id": 1})
    line = json.loads(logs.JsonFormatter().format(record))
    assert line["msg"] == "hello world" and line["request_id"] == "rid-1" and line["level"] == "INFO"
    assert tagged == {"packet_id": 1, "request_id": "rid-1"}
    assert logs.tag_payload({"packet_id": 1}) == {"packet_id": 1}  # outside any request


def test_a_fresh_directory_per_deployment(tmp_path: object) -> None:
    env: dict[str, str] = {}
    path = metrics.prepare_multiprocess_dir(env)
    assert env[metrics.MULTIPROC_ENV] == path and os.path.isdir(path) and not os.listdir(path)
