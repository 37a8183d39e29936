#!/bin/sh
# Writes a random SASL/SCRAM password per Kafka user into deploy/kafka/secrets/ (mode 0600;
# never committed), for docker-compose.yml. Run once before `docker-compose up`; running it
# again keeps existing passwords.
set -eu
cd "$(dirname "$0")"
mkdir -p secrets
chmod 700 secrets
for u in ehc-assessments annual-reviews transport complaints projection statutory-returns backoffice; do
  f="secrets/$u.password"
  [ -s "$f" ] && continue
  umask 077
  openssl rand -base64 32 | tr -d '\n,=' >"$f"
done
echo "passwords in $(pwd)/secrets"
