-- Prints one machine-readable line when wrk finishes:
-- RESULT <requests> <duration us> <latency mean us> <p50 us> <p99 us> <max us> <errors>
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %.1f %.1f %.1f %.1f %d\n", summary.requests,
    summary.duration, latency.mean, latency:percentile(50), latency:percentile(99),
    latency.max, e.connect + e.read + e.write + e.status + e.timeout))
end
