"""Contract test: a stock Kafka client reads casework's topics as a back office would.

Usage: kafka_consumer.py BOOTSTRAP ENCODING(protobuf|json) [--require-all]

With python3-confluent-kafka and code generated from proto/ (on PYTHONPATH), it reads every
record of the four domain topics from the beginning and checks, for each, the CloudEvents
headers, the key, that the value decodes as the header says, and that the headers agree with
the event's metadata; per child, that all its records are in one partition and each stream's
versions run 1, 2, 3, ... in order. It prints which event types it saw; with --require-all it
fails unless every event type of every topic's `event` oneof was seen at least once.
"""
import os
import re
import sys
import time

from confluent_kafka import Consumer, TopicPartition
from google.protobuf import json_format

from casework.v1 import annual_review_pb2, complaints_pb2, ehc_assessment_pb2, transport_pb2

TOPICS = {
    "casework.ehc-assessments.v1": (ehc_assessment_pb2.EhcAssessmentEvent,
                                    "/casework/ehc-assessments", "uk.send.casework.ehc.v1."),
    "casework.annual-reviews.v1": (annual_review_pb2.AnnualReviewEvent,
                                   "/casework/annual-reviews", "uk.send.casework.reviews.v1."),
    "casework.transport.v1": (transport_pb2.TransportEvent,
                              "/casework/transport", "uk.send.casework.transport.v1."),
    "casework.complaints.v1": (complaints_pb2.ComplaintsEvent,
                               "/casework/complaints", "uk.send.casework.complaints.v1."),
}
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

errors = []


def check(cond, what):
    if not cond:
        errors.append(what)
        if len(errors) > 20:
            report_and_exit()


def report_and_exit():
    for e in errors[:20]:
        print("CONTRACT:", e, file=sys.stderr)
    sys.exit(1)


def read_all(bootstrap, topic):
    extra = os.environ.get("CASEWORK_KAFKA_CLIENT_CONFIG", "")
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "backoffice-contract-test",
                  **dict(part.split("=", 1) for part in extra.split(",") if part),
                  "enable.auto.commit": False, "auto.offset.reset": "earliest",
                  "fetch.wait.max.ms": 50})
    meta = c.list_topics(topic, timeout=10)
    partitions = sorted(meta.topics[topic].partitions)
    c.assign([TopicPartition(topic, p, 0) for p in partitions])
    records = []
    quiet_since = time.time()
    while time.time() - quiet_since < 3:
        m = c.poll(0.2)
        if m is None:
            continue
        check(m.error() is None, f"{topic}: consumer error {m.error()}")
        if m.error():
            continue
        records.append(m)
        quiet_since = time.time()
    c.close()
    return records


def main():
    bootstrap, encoding = sys.argv[1], sys.argv[2]
    require_all = "--require-all" in sys.argv
    content_type = {"protobuf": "application/protobuf", "json": "application/json"}[encoding]
    missing_types = []
    total = 0
    for topic, (envelope, source, type_prefix) in TOPICS.items():
        records = read_all(bootstrap, topic)
        check(records, f"{topic}: no records")
        oneof = envelope.DESCRIPTOR.oneofs_by_name["event"]
        all_types = {f.message_type.name: f.name for f in oneof.fields}
        seen_types = set()
        partition_of_child = {}
        last_version = {}  # stream id -> version
        for m in records:
            total += 1
            where = f"{topic}[{m.partition()}@{m.offset()}]"
            h = {k: (v.decode() if v is not None else None) for k, v in (m.headers() or [])}
            check(h.get("ce_specversion") == "1.0", f"{where}: ce_specversion {h.get('ce_specversion')}")
            check(UUID.match(h.get("ce_id") or ""), f"{where}: ce_id {h.get('ce_id')}")
            check(h.get("ce_source") == source, f"{where}: ce_source {h.get('ce_source')}")
            check(h.get("content-type") == content_type, f"{where}: content-type {h.get('content-type')}")
            check(h.get("ce_dataschema") == envelope.DESCRIPTOR.full_name,
                  f"{where}: ce_dataschema {h.get('ce_dataschema')}")
            check(RFC3339.match(h.get("ce_time") or ""), f"{where}: ce_time {h.get('ce_time')}")
            e = envelope()
            try:
                if encoding == "json":
                    json_format.Parse(m.value().decode("utf-8"), e, ignore_unknown_fields=True)
                else:
                    e.ParseFromString(m.value())
            except Exception as ex:  # the payload must decode as its content-type says
                check(False, f"{where}: value does not decode: {ex}")
                continue
            kind = e.WhichOneof("event")
            check(kind is not None, f"{where}: no event in the oneof")
            if kind is None:
                continue
            name = getattr(e, kind).DESCRIPTOR.name
            seen_types.add(name)
            md = e.metadata
            key = m.key().decode() if m.key() else ""
            check(h.get("ce_type") == type_prefix + name, f"{where}: ce_type {h.get('ce_type')} for {name}")
            check(h.get("ce_id") == md.event_id, f"{where}: ce_id != metadata.event_id")
            check(key == md.child_id and h.get("ce_subject") == md.child_id,
                  f"{where}: key {key!r} / ce_subject {h.get('ce_subject')!r} / child {md.child_id!r}")
            check(h.get("casework_stream_id") == md.stream_id, f"{where}: casework_stream_id")
            check(h.get("casework_version") == str(md.version), f"{where}: casework_version")
            check(h.get("casework_position") == str(md.position), f"{where}: casework_position")
            check(md.occurred_on.year >= 2000, f"{where}: occurred_on {md.occurred_on}")
            check(md.actor != "", f"{where}: no actor")
            # Ordering: one child, one partition; a stream's versions 1, 2, 3, ... in order.
            p = partition_of_child.setdefault(md.child_id, m.partition())
            check(p == m.partition(), f"{where}: child {md.child_id} in partitions {p} and {m.partition()}")
            expected = last_version.get(md.stream_id, 0) + 1
            check(md.version == expected,
                  f"{where}: stream {md.stream_id} version {md.version}, expected {expected}")
            last_version[md.stream_id] = md.version
        missing = sorted(set(all_types) - seen_types)
        print(f"{topic}: {len(records)} records, {len(seen_types)}/{len(all_types)} event types"
              + (f"; not seen: {', '.join(missing)}" if missing else ""))
        missing_types += [f"{topic}: {t}" for t in missing]
    if require_all and missing_types:
        errors.append("event types never emitted: " + "; ".join(missing_types))
    if errors:
        report_and_exit()
    print(f"contract ({encoding}): {total} records ok")


if __name__ == "__main__":
    main()
