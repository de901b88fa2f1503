-- wrk script for bench/lifecycle/version_swaps.sh: POSTs the body in the file named by WRK_BODY
-- and, per wrk thread, counts responses by status and by the version that answered (the
-- X-Serval-Model-Version header). done() prints one line each, for the script to parse:
--   lifecycle: status <code> <count>
--   lifecycle: version <v> <count>      (v = "none" when a 200 carried no version header)
--   lifecycle: regressions <n>          (a response from a lower version than the highest this
--                                        wrk thread had already seen; see the README: with
--                                        several connections per thread this can happen
--                                        legitimately at a swap, so it is reported, not judged)
local f = assert(io.open(os.getenv("WRK_BODY"), "r"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  versions = {}
  regressions = 0
  highest = 0
end

local function version_of(headers)
  local v = headers["X-Serval-Model-Version"] or headers["x-serval-model-version"]
  if v then return v end
  for k, val in pairs(headers) do
    if string.lower(k) == "x-serval-model-version" then return val end
  end
  return nil
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if status == 200 then
    local v = version_of(headers) or "none"
    versions[v] = (versions[v] or 0) + 1
    local n = tonumber(v)
    if n then
      if n < highest then regressions = regressions + 1 end
      if n > highest then highest = n end
    end
  end
end

function done(summary, latency, requests)
  local s, v, r = {}, {}, 0
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses") or {}) do s[code] = (s[code] or 0) + n end
    for ver, n in pairs(t:get("versions") or {}) do v[ver] = (v[ver] or 0) + n end
    r = r + (t:get("regressions") or 0)
  end
  for code, n in pairs(s) do io.write(string.format("lifecycle: status %s %d\n", code, n)) end
  for ver, n in pairs(v) do io.write(string.format("lifecycle: version %s %d\n", ver, n)) end
  io.write(string.format("lifecycle: regressions %d\n", r))
end
