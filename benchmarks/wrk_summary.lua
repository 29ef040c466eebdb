-- Printed once at the end of a wrk run: one JSON line bench_web.py reads (wrk's own
-- --latency table stops at p90 and p99; the benchmark reports p50 and p95).
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "max_us": %d, "errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency.max,
    errors.connect + errors.read + errors.write + errors.status, errors.timeout))
end
