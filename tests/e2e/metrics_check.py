"""Reads every service's /metrics with the stock Prometheus parser (Debian's
python3-prometheus-client) and its /healthz and /readyz probes, and checks the
figures an operator relies on are there and sane.

Usage: metrics_check.py NAME=HOST:PORT ...   (exit 1 naming what is wrong)
"""
import sys
import urllib.error
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def families(address):
    status, text = get(f"http://{address}/metrics")
    assert status == 200, f"{address}/metrics answered {status}"
    out = {}
    for f in text_string_to_metric_families(text):
        out[f.name] = f
    return out


def samples(fams, family, suffix=""):
    f = fams.get(family)
    assert f is not None, f"no family {family} (have {sorted(fams)})"
    return [s for s in f.samples if s.name == family + suffix]


COMMON = ["casework_rpc_requests", "casework_rpc_duration_seconds",
          "process_resident_memory_bytes"]
DOMAIN = ["casework_eventstore_appends", "casework_eventstore_group_size",
          "casework_eventstore_commit_seconds", "casework_eventstore_last_position",
          "casework_relay_lag_events", "casework_relay_published_position",
          "casework_rocksdb_pending_compaction_bytes", "casework_rocksdb_memtable_bytes",
          "casework_rocksdb_block_cache_bytes"]
PROJECTION = ["casework_consumer_lag_records", "casework_consumer_applied_records",
              "casework_projection_held_streams", "casework_projection_parked_streams",
              "casework_rocksdb_pending_compaction_bytes"]


def check(name, address):
    fams = families(address)
    want = COMMON + (PROJECTION if name == "projection" else DOMAIN)
    for family in want:
        assert family in fams, f"{name}: no {family}"
    # The histogram is whole: buckets, +Inf, sum and count agree.
    counts = samples(fams, "casework_rpc_duration_seconds", "_count")
    assert counts, f"{name}: no RPC timed"
    for c in counts:
        method = c.labels["method"]
        inf = [s for s in samples(fams, "casework_rpc_duration_seconds", "_bucket")
               if s.labels["method"] == method and s.labels["le"] == "+Inf"]
        assert inf and inf[0].value == c.value, f"{name}: {method} +Inf bucket != count"
    requests = samples(fams, "casework_rpc_requests", "_total")
    ok = [s for s in requests if s.labels.get("code") == "OK"
          and s.labels["method"].startswith("/casework.v1.")]
    assert ok, f"{name}: no casework RPC counted OK"
    rss = samples(fams, "process_resident_memory_bytes")[0].value
    assert rss > 1e6, f"{name}: RSS {rss}"
    if name == "projection":
        lag = samples(fams, "casework_consumer_lag_records")
        assert lag and all("partition" in s.labels and "topic" in s.labels for s in lag), \
            f"{name}: consumer lag not per partition"
    else:
        appended = [s for s in samples(fams, "casework_eventstore_appends", "_total")
                    if s.labels["result"] == "appended"]
        assert appended and appended[0].value > 0, f"{name}: no appends counted"
        last = samples(fams, "casework_eventstore_last_position")[0].value
        assert last >= appended[0].value, f"{name}: last position {last} < appends"
        lag = samples(fams, "casework_relay_lag_events")[0].value
        assert 0 <= lag <= last, f"{name}: relay lag {lag}"
    status, body = get(f"http://{address}/healthz")
    assert status == 200, f"{name}: /healthz {status}"
    status, body = get(f"http://{address}/readyz")
    assert status == 200 and body.startswith("SERVING"), f"{name}: /readyz {status} {body}"
    print(f"{name}: {len(fams)} metric families parsed; ready")


def main():
    failed = False
    for arg in sys.argv[1:]:
        name, address = arg.split("=", 1)
        try:
            check(name, address)
        except AssertionError as e:
            print(f"METRICS: {e}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
