"""The demo's SEN2 return against two other views of the same log, from stock clients:

- plans active on census day = the projection's active plans on that day, summed over the
  demo LA's three teams (GetTeamScorecard with as_of = the census day; manager tokens minted
  here with the dev stack's HS256 secret, as casework-dev mints its own);
- requests received in the collection year = the RequestRecorded events of first
  assessments received in that year, read from casework.ehc-assessments.v1 with
  python3-confluent-kafka and decoded with code generated from proto/.

Usage: sen2_check.py wait BROKERS RETURNS_ADDR PROJECTION_ADDR ADMIN_TOKEN METRICS_ENV
         (until the relays have published everything and statutory-returns and the
         projection have read the topics to their ends)
       sen2_check.py check PROJECTION_ADDR BROKERS SECRET_FILE COUNTS_JSON YEAR CENSUS
"""
import base64
import os
import datetime
import hashlib
import hmac
import json
import sys
import time

import grpc
from confluent_kafka import Consumer, TopicPartition

from casework.v1 import admin_pb2, common_pb2, ehc_assessment_pb2 as e, projection_pb2 as p

TOPICS = ["casework.ehc-assessments.v1", "casework.annual-reviews.v1",
          "casework.complaints.v1", "casework.people.v1"]


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(secret, subject, team):
    now = int(time.time())
    header = {"alg": "HS256", "typ": "JWT"}
    claims = {"iss": os.environ["CASEWORK_AUTH_ISSUER"], "aud": "casework", "sub": subject, "roles": ["manager"],
              "teams": [team], "iat": now, "nbf": now, "exp": now + 600}
    signing = b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())
    mac = hmac.new(secret.encode(), signing.encode(), hashlib.sha256).digest()
    return signing + "." + b64(mac)


def date(d):
    return common_pb2.Date(year=d.year, month=d.month, day=d.day)


def relay_lag(metrics_env):
    import urllib.request
    from prometheus_client.parser import text_string_to_metric_families
    total = 0
    for line in open(metrics_env):
        if not line.startswith("export CASEWORK_") or "_METRICS=" not in line:
            continue
        addr = line.split("=", 1)[1].strip()
        text = urllib.request.urlopen(f"http://{addr}/metrics", timeout=10).read().decode()
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name == "casework_relay_lag_events":
                    total += int(sample.value)
    return total


def caught_up(addr, admin_token, ends):
    status = grpc.insecure_channel(addr).unary_unary(
        "/casework.v1.ConsumerAdminService/GetConsumerStatus",
        request_serializer=admin_pb2.GetConsumerStatusRequest.SerializeToString,
        response_deserializer=admin_pb2.ConsumerStatus.FromString)
    s = status(admin_pb2.GetConsumerStatusRequest(),
               metadata=[("authorization", "Bearer " + admin_token)], timeout=10)
    nexts = {(q.topic, q.partition): q.next_offset for q in s.partitions}
    return s.serving and all(nexts.get(k, 0) >= v for k, v in ends.items()
                             if k[0] in {q.topic for q in s.partitions})


def wait(brokers, returns_addr, projection_addr, admin_token, metrics_env):
    consumer = Consumer({"bootstrap.servers": brokers, "group.id": "sen2-wait"})
    deadline = time.time() + 120
    while time.time() < deadline:
        if relay_lag(metrics_env) == 0:
            ends = {}
            for topic in TOPICS:
                for n in consumer.list_topics(topic, timeout=10).topics[topic].partitions:
                    ends[(topic, n)] = consumer.get_watermark_offsets(
                        TopicPartition(topic, n), timeout=10)[1]
            if (caught_up(returns_addr, admin_token, ends)
                    and caught_up(projection_addr, admin_token, ends)):
                consumer.close()
                return
        time.sleep(0.2)
    raise SystemExit("statutory-returns and the projection did not catch up with the topics")


def main():
    if sys.argv[1] == "wait":
        return wait(*sys.argv[2:7])
    proj_addr, brokers, secret_file, counts_file, year, census = sys.argv[2:8]
    year = int(year)
    census = datetime.date.fromisoformat(census)
    counts = json.load(open(counts_file))
    secret = open(secret_file).read().strip()
    channel = grpc.insecure_channel(proj_addr)
    team_card = channel.unary_unary(
        "/casework.v1.ProjectionService/GetTeamScorecard",
        request_serializer=p.GetTeamScorecardRequest.SerializeToString,
        response_deserializer=p.TeamScorecard.FromString)
    active = 0
    for area in ("north", "south", "east"):
        team = f"team-{area}"
        card = team_card(p.GetTeamScorecardRequest(
            team_id=team, **{"from": date(datetime.date(year - 1, 1, 1))}, to=date(census),
            as_of=date(census)), metadata=[("authorization",
                                             "Bearer " + token(secret, f"manager-{area}", team))],
            timeout=30)
        active += card.totals.active_plans
    assert active > 0, "no plan active on census day: nothing compared"
    assert active == int(counts.get("active_plans", 0)), (
        f"active plans on {census}: projection {active}, return {counts}")

    consumer = Consumer({"bootstrap.servers": brokers, "group.id": "sen2-check",
                         "enable.auto.commit": False})
    topic = "casework.ehc-assessments.v1"
    parts = consumer.list_topics(topic, timeout=10).topics[topic].partitions
    ends = {}
    for n in parts:
        _, high = consumer.get_watermark_offsets(TopicPartition(topic, n), timeout=10)
        ends[n] = high
    consumer.assign([TopicPartition(topic, n, 0) for n in parts])
    received = set()
    done = {n for n, high in ends.items() if high == 0}
    deadline = time.time() + 60
    while len(done) < len(ends) and time.time() < deadline:
        m = consumer.poll(1.0)
        if m is None or m.error():
            continue
        if m.offset() + 1 >= ends[m.partition()]:
            done.add(m.partition())
        event = e.EhcAssessmentEvent.FromString(m.value())
        if event.WhichOneof("event") != "request_recorded":
            continue
        r = event.request_recorded
        if r.kind != e.ASSESSMENT_KIND_FIRST:
            continue
        d = datetime.date(r.received_on.year, r.received_on.month, r.received_on.day)
        if d.year == year - 1 and d <= census:
            received.add(event.metadata.stream_id)
    consumer.close()
    assert len(done) == len(ends), "the EHC topic was not read to its end"
    assert len(received) == int(counts.get("requests_in_year", 0)), (
        f"requests received in {year - 1}: topic {len(received)}, return {counts}")
    print(f"sen2: {active} plans active on {census} and {len(received)} requests received in "
          f"{year - 1}, as the projection and the topic say: ok")


if __name__ == "__main__":
    main()
