-- wrk script: a signed-in session (cookie), real CSRF token, unique submission tokens,
-- and a count of 2xx/3xx answers so the runner can check nothing was lost or doubled.
-- Arguments after `--`: METHOD COOKIE CSRF_TOKEN FORM_BODY (FORM_BODY may contain {TOKEN}).
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  method, cookie, csrf, form = args[1], args[2], args[3], args[4] or ""
  ok, bad, n = 0, 0, 0
end

function request()
  n = n + 1
  -- The same User-Agent as the sign-in (bench/signin.py USER_AGENT): a browser keeps its own,
  -- and Flask-Login's session protection marks a session not fresh (and rewrites the cookie)
  -- when it changes.
  local headers = { ["Cookie"] = cookie, ["User-Agent"] = "tacenter-bench" }
  if cookie:sub(1, 7) == "Bearer " then -- the JSON API: a token, no cookie
    headers = { ["Authorization"] = cookie, ["User-Agent"] = "tacenter-bench" }
  end
  local body = nil
  if method == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    body = form:gsub("{TOKEN}", "bench-" .. id .. "-" .. n .. "-" .. os.time()) .. "&csrf_token=" .. csrf
  end
  return wrk.format(method, nil, headers, body)
end

function response(status, headers, body)
  -- A page answers 200; only submit redirects. A GET sent elsewhere (a session that ended,
  -- sent to sign in) measured the redirect, not the page: an error, so the page is not met.
  local last_good = (method == "POST") and 399 or 299
  if status >= 200 and status <= last_good then ok = ok + 1 else bad = bad + 1 end
end

function done(summary, latency, requests)
  local good, failed = 0, 0
  for _, t in ipairs(threads) do
    good = good + t:get("ok")
    failed = failed + t:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p99_ms": %.2f, "ok": %d, "bad": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    good, failed, e.connect + e.read + e.write + e.timeout))
end
