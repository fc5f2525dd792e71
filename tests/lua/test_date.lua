-- Tests for core/lua/date.lua (auditlint.date).
--
--   cd tests/lua && lua5.4 test_date.lua      (or from the repository root)

local here = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."
package.path = here .. "/?.lua;" .. package.path
local tests = require("harness").new("date")
local check = tests.check
local date = require("auditlint.date")

-- parse: the forms seen in real repositories
local good = {
  ["2026-01-01"] = "2026-01-01",
  [" 2026-01-01 "] = "2026-01-01",
  ["2026-1-5"] = "2026-01-05",
  ["2026/03/04"] = "2026-03-04",
  ["2026-01-01T10:00:00Z"] = "2026-01-01",
  ["2026-01-01 10:00:00"] = "2026-01-01",
  ["2026-01-01t10:00:00.25+02:00"] = "2026-01-01",
  ["2001-12-14 21:59:43.10 -5"] = "2001-12-14",
  ["2026-01-01T23:30:00-05:00"] = "2026-01-01",   -- the date as written
  ["Jun 1 2018"] = "2018-06-01",
  ["June 1, 2018"] = "2018-06-01",
  ["March 3, 2023"] = "2023-03-03",
  ["Mar 1, 2023"] = "2023-03-01",
  ["01 Aug 2017"] = "2017-08-01",
  ["1 August 2017"] = "2017-08-01",
  ["Feb 06, 2023"] = "2023-02-06",
  ["July 1 2022"] = "2022-07-01",
  ["Sept. 3rd, 2019"] = "2019-09-03",
  ["22 feb 2023"] = "2023-02-22",
  ["2024-02-29"] = "2024-02-29",                   -- leap year
  ["2000-02-29"] = "2000-02-29",                   -- divisible by 400
}
for s, want in pairs(good) do
  check("parse '" .. s .. "'", date.parse(s), want)
end

-- parse: refused, never guessed
local bad = {
  "2026-13-45", "2026-02-30", "2023-02-29", "1900-02-29", "2026-04-31",
  "2026-00-10", "Feb 30, 2023", "03/04/2023", "2024-05", "soon", "",
  "2026-01-01T25:00:00", "2026-01-01 junk", "Jun 2018", "Smarch 1 2020",
}
for _, s in ipairs(bad) do
  local v, why = date.parse(s)
  check("reject '" .. s .. "'", v, nil)
  check("reason '" .. s .. "'", type(why), "string")
end
check("reject table", date.parse({}), nil)
local _, why = date.parse("2026-13-45")
check("reason names the month", why:find("month 13", 1, true) ~= nil, true)
_, why = date.parse("2023-02-29")
check("reason names the day", why, "February 2023 has no day 29")

-- add: months clamp to the month's end, then days
check("add monthly Jan 31", date.add("2026-01-31", "monthly"), "2026-02-28")
check("add monthly leap", date.add("2024-01-31", "monthly"), "2024-02-29")
check("add quarterly", date.add("2026-11-30", "quarterly"), "2027-02-28")
check("add annual leap day", date.add("2024-02-29", "annual"), "2025-02-28")
check("add yearly alias", date.add("2026-06-01", "yearly"), "2027-06-01")
check("add semiannual", date.add("2026-08-31", "semi-annual"), "2027-02-28")
check("add biennial", date.add("2026-03-01", "biennial"), "2028-03-01")
check("add weekly", date.add("2026-12-29", "weekly"), "2027-01-05")
check("add daily", date.add("2024-02-28", "daily"), "2024-02-29")
check("add continuous", date.add("2026-05-05", "continuous"), "2026-05-05")
check("add days", date.add("2026-01-01", {days = 365}), "2027-01-01")
check("add negative days", date.add("2026-03-01", {days = -1}),
      "2026-02-28")
check("add months+days", date.add("2026-01-31", {months = 1, days = 1}),
      "2026-03-01")
check("add years", date.add("2026-01-15", {years = 3}), "2029-01-15")
check("add to English date", date.add("Jun 1 2018", "annual"), "2019-06-01")
check("add event-driven", date.add("2026-01-01", "event-driven"), nil)
check("add unreadable", date.add("2026-13-01", "monthly"), nil)

-- days_between
check("days year", date.days_between("2026-01-01", "2027-01-01"), 365)
check("days leap year", date.days_between("2024-01-01", "2025-01-01"), 366)
check("days backwards", date.days_between("2026-03-01", "2026-02-27"), -2)
check("days same", date.days_between("2026-03-01", "March 1, 2026"), 0)
check("days epoch", date.days_between("1970-01-01", "2000-03-01"), 11017)
check("days unreadable", date.days_between("x", "2026-01-01"), nil)

-- compare
check("compare earlier", date.compare("2026-01-01", "2026-01-02"), -1)
check("compare later", date.compare("2027-01-01", "2026-12-31"), 1)
check("compare same", date.compare("Jun 1 2018", "2018-06-01"), 0)
check("compare unreadable", date.compare("2026-02-30", "2026-01-01"), nil)

tests.done()
