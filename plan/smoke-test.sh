#!/bin/sh
# Sends one trace, one log line and one metric through Alloy by OTLP/HTTP, then reads each back from Tempo,
# Loki and Prometheus. Exits non-zero naming every signal that did not arrive.
# Needs: ALLOY_OTLP_HTTP, TEMPO_URL, LOKI_URL, PROMETHEUS_URL; optional SMOKE_TIMEOUT (seconds, default 180)
# SMOKE_INTERVAL (seconds between reads, default 5) and TERMINATION_LOG (where the failure message goes for the pod status, default /dev/termination-log).
set -u

hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
trace_id=$(hex 16)
span_id=$(hex 8)
run_id="smoke-$(hex 6)"
now="$(date +%s)000000000"
resource='{"attributes":[{"key":"service.name","value":{"stringValue":"monitoring-smoke-test"}}]}'

post() {
  curl -sS -f -X POST -H 'Content-Type: application/json' --data "$2" "$ALLOY_OTLP_HTTP/v1/$1" >/dev/null ||
    { echo "FAILED: Alloy refused the OTLP $1 at $ALLOY_OTLP_HTTP/v1/$1"; exit 1; }
}

post traces '{"resourceSpans":[{"resource":'"$resource"',"scopeSpans":[{"spans":[{"traceId":"'"$trace_id"'","spanId":"'"$span_id"'","name":"smoke-test","kind":1,"startTimeUnixNano":"'"$now"'","endTimeUnixNano":"'"$now"'"}]}]}]}'
post logs '{"resourceLogs":[{"resource":'"$resource"',"scopeLogs":[{"logRecords":[{"timeUnixNano":"'"$now"'","severityText":"INFO","body":{"stringValue":"'"$run_id"' smoke test log line"},"traceId":"'"$trace_id"'"}]}]}]}'
post metrics '{"resourceMetrics":[{"resource":'"$resource"',"scopeMetrics":[{"metrics":[{"name":"monitoring_smoke_test_run","gauge":{"dataPoints":[{"asInt":"1","timeUnixNano":"'"$now"'","attributes":[{"key":"run","value":{"stringValue":"'"$run_id"'"}}]}]}}]}]}]}'
echo "sent trace $trace_id, log and metric for run $run_id through $ALLOY_OTLP_HTTP"

found_trace=""; found_log=""; found_metric=""
deadline=$(( $(date +%s) + ${SMOKE_TIMEOUT:-180} ))
while [ "$(date +%s)" -lt "$deadline" ]; do
  [ -z "$found_trace" ] && curl -sf "$TEMPO_URL/api/traces/$trace_id" 2>/dev/null | grep -q "monitoring-smoke-test" && found_trace=yes
  [ -z "$found_log" ] && curl -sfG "$LOKI_URL/loki/api/v1/query_range" \
    --data-urlencode "query={service_name=\"monitoring-smoke-test\"} |= \"$run_id\"" \
    --data-urlencode "since=10m" 2>/dev/null | grep -q "$run_id" && found_log=yes
  [ -z "$found_metric" ] && curl -sfG "$PROMETHEUS_URL/api/v1/query" \
    --data-urlencode "query=monitoring_smoke_test_run{run=\"$run_id\"}" 2>/dev/null | grep -q "$run_id" && found_metric=yes
  [ -n "$found_trace" ] && [ -n "$found_log" ] && [ -n "$found_metric" ] && { echo "PASSED: trace, log and metric arrived"; exit 0; }
  sleep "${SMOKE_INTERVAL:-5}"
done

missing=""
[ -z "$found_trace" ] && missing="$missing trace $trace_id not found in Tempo ($TEMPO_URL);"
[ -z "$found_log" ] && missing="$missing log line $run_id not found in Loki ($LOKI_URL);"
[ -z "$found_metric" ] && missing="$missing metric monitoring_smoke_test_run{run=\"$run_id\"} not found in Prometheus ($PROMETHEUS_URL);"
echo "FAILED:$missing" | tee "${TERMINATION_LOG:-/dev/termination-log}"
exit 1
