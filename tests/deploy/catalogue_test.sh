#!/usr/bin/env bash
# The deployment files follow the service catalogue (libs/host/catalogue.h, printed by
# `casework-dev --print-catalogue`): every service is in docker-compose.yml and
# deploy/k8s/services.yaml with its gRPC and metrics ports, its own Kafka user, probes and
# scraping; Prometheus scrapes every metrics port; the Kafka setup creates every domain topic
# with its dead-letter topic and lets each domain service write its own topic only.
# Usage: catalogue_test.sh BIN_DIR SOURCE_DIR
set -euo pipefail
bin=$1
src=$2
fail() { echo "CATALOGUE TEST FAILED: $*" >&2; exit 1; }
compose="$src/docker-compose.yml"
k8s="$src/deploy/k8s/services.yaml"
prom="$src/deploy/prometheus/prometheus.yml"
setup="$src/deploy/kafka/definitions.sh"
rows=0
while read -r name port metrics topic source _; do
  rows=$((rows + 1))
  grep -q "^  $name:$" "$compose" || fail "$name is not a compose service"
  grep -q "ports: \[\"$port:$port\", \"$metrics:$metrics\"\]" "$compose" || fail "$name ports in compose"
  grep -q "sasl.username=$name\"" "$compose" || fail "$name has no Kafka user of its own in compose"
  grep -q "CASEWORK_KAFKA_PASSWORD_FILE: /run/secrets/kafka-$name" "$compose" || fail "$name secret"
  grep -q "localhost:$port\"\]" "$compose" || fail "$name health check"
  grep -q "  name: $name$" "$k8s" || fail "$name not in k8s"
  grep -q "containerPort: $port$" "$k8s" && grep -q "containerPort: $metrics$" "$k8s" \
    || fail "$name ports in k8s"
  grep -q "prometheus.io/port: \"$metrics\"" "$k8s" || fail "$name not scraped in k8s"
  grep -q "secretName: casework-kafka-$name$" "$k8s" || fail "$name Kafka secret in k8s"
  grep -q -- "- $name:$metrics$" "$prom" || fail "Prometheus does not scrape $name"
  if [ "$topic" != "-" ]; then
    grep -q "^domain=\".*\b$name\b.*\"" "$setup" || fail "$name topic not created by definitions.sh"
  fi
done < <("$bin/casework-dev" --print-catalogue)
[ "$rows" -ge 5 ] || fail "catalogue has $rows rows"
# The web gateway (not a catalogue row: it routes to the rows' public APIs).
grep -q "^  web:$" "$compose" && grep -q 'ports: \["8080:8080", "9107:9107"\]' "$compose" \
  || fail "web is not a compose service on 8080/9107"
grep -q '"web", "probe", "localhost:8080"' "$compose" || fail "web health check in compose"
grep -q "  name: web$" "$k8s" && grep -q "containerPort: 8080$" "$k8s" || fail "web not in k8s"
grep -q -- "- web:9107$" "$prom" || fail "Prometheus does not scrape web"
# Probes: readiness on /readyz, liveness on /healthz, once per service and the web gateway.
[ "$(grep -c 'path: /readyz' "$k8s")" = "$((rows + 1))" ] || fail "readiness probes"
[ "$(grep -c 'path: /healthz' "$k8s")" = "$((rows + 1))" ] || fail "liveness probes"
# Write access: a domain service writes only its own topic.
grep -q 'allow "$s" --operation Write --operation Describe --topic "casework.$s.v1"' "$setup" \
  || fail "domain services' write ACL"
if grep -E 'allow (ehc-assessments|annual-reviews|transport|complaints|projection) --operation Write[^\n]*casework\.directory\.v1' "$setup"; then
  fail "a service may write the directory"
fi
grep -q 'KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND: "false"' "$compose" || fail "ACLs not enforced"
python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$src/deploy/grafana/casework-dashboard.json" \
  || fail "the Grafana dashboard is not JSON"
echo "deployment files follow the catalogue ($rows services): ok"
