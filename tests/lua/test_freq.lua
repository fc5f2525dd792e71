-- Tests for core/lua/freq.lua (auditlint.freq).
--
--   cd tests/lua && lua5.4 test_freq.lua      (or from the repository root)

local here = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."
package.path = here .. "/?.lua;" .. package.path
local tests = require("harness").new("freq")
local check = tests.check
local freq = require("auditlint.freq")

-- parse: the vocabulary itself, in any case and spacing
for _, name in ipairs(freq.names) do
  check("parse " .. name, freq.parse(name), name)
  check("parse upper " .. name, freq.parse(name:upper()), name)
end
check("parse padded", freq.parse("  Quarterly "), "quarterly")

-- parse: the aliases of FORMATS.md section 6
local aliases = {
  ["real-time"] = "continuous", automated = "continuous",
  ["semi-annual"] = "semiannual", ["half-yearly"] = "semiannual",
  biannual = "semiannual", ["Semi_Annual"] = "semiannual",
  ["Semi Annual"] = "semiannual",
  annually = "annual", yearly = "annual", Yearly = "annual",
  ["on-change"] = "event-driven", ["per-event"] = "event-driven",
  ["on-hire"] = "event-driven", ["on-termination"] = "event-driven",
  ["Event Driven"] = "event-driven",
}
for s, want in pairs(aliases) do
  check("alias " .. s, freq.parse(s), want)
end

-- parse: cron expressions read as the period they imply
local crons = {
  ["0 0 0 15 4 *"] = "annual",           -- comply: seconds first
  ["0 0 0 15 * *"] = "monthly",
  ["0 0 * * *"] = "daily",
  ["*/5 * * * *"] = "daily",              -- several runs a day
  ["0 0 * * 1"] = "weekly",
  ["0 0 * * MON-FRI"] = "weekly",
  ["0 0 * * 1,4"] = "weekly",
  ["0 0 1 * *"] = "monthly",
  ["0 0 1 */3 *"] = "quarterly",
  ["0 0 1 1,4,7,10 *"] = "quarterly",
  ["0 0 1 jan,apr,jul,oct *"] = "quarterly",
  ["0 0 1 */2 *"] = "quarterly",          -- every 2 months meets quarterly
  ["0 0 1 1,7 *"] = "semiannual",
  ["0 9 1 1 *"] = "annual",
  ["0 0 31 * *"] = "quarterly",           -- skips the short months
  ["0 0 1-7 * 1"] = "weekly",             -- Vixie: either day field
  ["0 0 * * 7"] = "weekly",               -- 7 is Sunday too
  ["@yearly"] = "annual", ["@weekly"] = "weekly", ["@daily"] = "daily",
}
for s, want in pairs(crons) do
  check("cron " .. s, freq.parse(s), want)
end

-- parse: what is not a frequency, with a reason
local bad = {
  "periodically", "as needed", "regularly", "ad hoc", "", "12",
  "0 0 32 * *",            -- no day 32
  "0 0 31 2 *",            -- never runs
  "0 0 29 2 *",            -- every four years
  "0 0 * *",               -- four fields
  "61 * * * *",
}
for _, s in ipairs(bad) do
  local v, why = freq.parse(s)
  check("reject '" .. s .. "'", v, nil)
  check("reason '" .. s .. "'", type(why), "string")
end
check("reject table", freq.parse({}), nil)
check("reject nil", freq.parse(nil), nil)

-- is_cron: the shape, not the values
check("is_cron 5", freq.is_cron("0 0 32 * *"), true)
check("is_cron 6", freq.is_cron("0 0 0 15 4 *"), true)
check("is_cron words", freq.is_cron("as needed by the team"), false)
check("is_cron 4", freq.is_cron("0 0 * *"), false)

-- days
check("days continuous", freq.days("continuous"), 0)
check("days daily", freq.days("daily"), 1)
check("days monthly", freq.days("monthly"), 30)
check("days quarterly", freq.days("quarterly"), 91)
check("days annual alias", freq.days("yearly"), 365)
check("days biennial", freq.days("biennial"), 730)
check("days event-driven", freq.days("event-driven"), nil)
check("days unreadable", freq.days("periodically"), nil)

-- period
check("period monthly", freq.period("monthly").months, 1)
check("period annual", freq.period("annually").years, 1)
check("period weekly", freq.period("weekly").days, 7)
check("period event-driven", freq.period("on-change"), nil)

-- compare
check("quarterly stricter than annual", freq.compare("quarterly", "annual")
      < 0, true)
check("annual looser than monthly", freq.compare("annual", "monthly") > 0,
      true)
check("same", freq.compare("yearly", "annual"), 0)
check("cron vs name", freq.compare("0 0 1 * *", "quarterly") < 0, true)
check("compare unreadable", freq.compare("periodically", "annual"), nil)

-- strictest
check("strictest", freq.strictest{"annual", "Quarterly", "monthly"},
      "monthly")
check("strictest skips junk", freq.strictest{"regularly", "yearly"},
      "annual")
check("strictest empty", freq.strictest{}, nil)

-- names: strictest first, event-driven last
check("names first", freq.names[1], "continuous")
check("names last", freq.names[#freq.names], "event-driven")
check("names count", #freq.names, 9)

tests.done()
