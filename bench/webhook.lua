-- SPDX-License-Identifier: ISC
-- wrk script for bench/webhook.sh: posts pre-signed inbound SMS webhooks
-- (tests/fake/webhookgen output: MessageSid TAB signature TAB form body),
-- each thread its own share of the lines, so no MessageSid is sent twice
-- unless the lines run out (counted as "wrapped").  Counts the answers by
-- HTTP status, so the script can compare the 200s with the rows stored.
--
--   wrk ... -s bench/webhook.lua URL -- DATA_FILE THREADS

local threads = {}
local next_id = 0

function setup(thread)
	thread:set("id", next_id)
	next_id = next_id + 1
	table.insert(threads, thread)
end

function init(args)
	local file, nthreads = args[1], tonumber(args[2])
	local i = 0
	reqs = {}
	for line in io.lines(file) do
		if i % nthreads == id then
			local sid, sig, body = line:match("^([^\t]+)\t([^\t]+)\t(.*)$")
			reqs[#reqs + 1] = wrk.format("POST", nil, {
				["Content-Type"] = "application/x-www-form-urlencoded",
				["X-Twilio-Signature"] = sig,
			}, body)
		end
		i = i + 1
	end
	if #reqs == 0 then
		error("no requests for thread " .. id .. " in " .. file)
	end
	n = 0
	wrapped = 0
	statuses = {}
end

function request()
	n = n + 1
	if n > #reqs then
		n = 1
		wrapped = wrapped + 1
	end
	return reqs[n]
end

function response(status, headers, body)
	statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
	local total, wraps = {}, 0
	for _, t in ipairs(threads) do
		for status, count in pairs(t:get("statuses")) do
			total[status] = (total[status] or 0) + count
		end
		wraps = wraps + t:get("wrapped")
	end
	local secs = summary.duration / 1e6
	io.write(string.format("result requests %d\n", summary.requests))
	io.write(string.format("result seconds %.3f\n", secs))
	io.write(string.format("result rps %.0f\n", summary.requests / secs))
	io.write(string.format("result p50_ms %.3f\n", latency:percentile(50) / 1000))
	io.write(string.format("result p90_ms %.3f\n", latency:percentile(90) / 1000))
	io.write(string.format("result p99_ms %.3f\n", latency:percentile(99) / 1000))
	io.write(string.format("result max_ms %.3f\n", latency.max / 1000))
	io.write(string.format("result errors %d\n", summary.errors.connect +
	    summary.errors.read + summary.errors.write + summary.errors.timeout))
	io.write(string.format("result wrapped %d\n", wraps))
	for status, count in pairs(total) do
		io.write(string.format("result status_%d %d\n", status, count))
	end
end
