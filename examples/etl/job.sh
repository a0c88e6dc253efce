#!/bin/sh
# The nightly ETL, reduced to what shows cabinet run at work: it logs in to
# the warehouse with the password cabinet put in PGPASSWORD, and prints what
# a careless job prints. cabinet run masks every value in its output.
set -eu
echo "extract: s3://acme-raw-events with key ${AWS_ACCESS_KEY_ID}"
echo "connecting to ${PGDATABASE} as ${PGUSER} (password ${PGPASSWORD})"
psql -w -X -tA -v ON_ERROR_STOP=1 -c "SELECT 'loaded ' || count(*) || ' rows' FROM (VALUES (1), (2), (3)) AS batch(n)"
