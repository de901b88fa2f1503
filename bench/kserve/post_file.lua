-- wrk script: POST the file $BODY to $TARGET_PATH, with $CONTENT_TYPE and, when set,
-- Inference-Header-Content-Length: $HEADER_LENGTH (KServe's binary tensor data extension).
local f = assert(io.open(os.getenv("BODY"), "rb"))
wrk.method = "POST"
wrk.path = os.getenv("TARGET_PATH")
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = os.getenv("CONTENT_TYPE")
local header_length = os.getenv("HEADER_LENGTH")
if header_length and header_length ~= "" then
  wrk.headers["Inference-Header-Content-Length"] = header_length
end

-- Any non-200 answer fails the run (checked by the caller through this count).
local bad = 0
response = function(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("non200 %d\n", bad))
  io.write(string.format("p50_us %d\np99_us %d\n", latency:percentile(50), latency:percentile(99)))
end
