-- auditlint.date: calendar dates as canonical "YYYY-MM-DD" strings
-- (FORMATS.md section 6). A date that cannot be read is refused with a
-- reason, never guessed: '03/04/2023' is not accepted because it could be
-- March or April.

local freq = require("auditlint.freq")

local M = {}

local month_names = {
  january = 1, february = 2, march = 3, april = 4, may = 5, june = 6,
  july = 7, august = 8, september = 9, october = 10, november = 11,
  december = 12,
  jan = 1, feb = 2, mar = 3, apr = 4, jun = 6, jul = 7, aug = 8,
  sep = 9, sept = 9, oct = 10, nov = 11, dec = 12,
}

local full_names = {
  "January", "February", "March", "April", "May", "June", "July",
  "August", "September", "October", "November", "December",
}

local function is_leap(y)
  return (y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0
end

local function month_length(y, m)
  if m == 2 then return is_leap(y) and 29 or 28 end
  return ({31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31})[m]
end

-- Days since 1970-01-01 (proleptic Gregorian), and back.
local function to_days(y, m, d)
  y = (m <= 2) and y - 1 or y
  local era = y // 400
  local yoe = y - era * 400
  local doy = (153 * ((m + 9) % 12) + 2) // 5 + d - 1
  return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
end

local function from_days(n)
  n = n + 719468
  local era = n // 146097
  local doe = n - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400 + (m <= 2 and 1 or 0)
  return y, m, d
end

local function format(y, m, d)
  return ("%04d-%02d-%02d"):format(y, m, d)
end

-- Checks a year, month and day (numbers) and returns the canonical date.
local function checked(y, m, d)
  if m < 1 or m > 12 then
    return nil, ("there is no month %d"):format(m)
  end
  if d < 1 or d > month_length(y, m) then
    return nil, ("%s %d has no day %d"):format(full_names[m], y, d)
  end
  return format(y, m, d)
end

-- Accepts the time part of a YAML timestamp: ' 10:00:00', 'T10:00:00Z',
-- 'T10:00:00.5+02:00'. The date stays the one written: a review on the
-- evening of the 1st was on the 1st, whatever the offset.
local function time_ok(rest)
  local h, mi, tail = rest:match("^[Tt%s]%s*(%d%d?):(%d%d)(.*)$")
  if not h or tonumber(h) > 23 or tonumber(mi) > 59 then return false end
  local sec, after = tail:match("^:(%d%d)(.*)$")
  if sec then
    if tonumber(sec) > 60 then return false end
    tail = after:gsub("^%.%d+", "")
  end
  tail = tail:gsub("^%s+", "")
  return tail == "" or tail == "Z" or tail == "z"
      or tail:match("^[+-]%d%d?$") ~= nil
      or tail:match("^[+-]%d%d:?%d%d$") ~= nil
end

local function parse_numeric(s)
  local y, m, d, rest = s:match("^(%d%d%d%d)%-(%d%d?)%-(%d%d?)(.*)$")
  if not y then
    y, m, d = s:match("^(%d%d%d%d)/(%d%d?)/(%d%d?)$")
    rest = ""
  end
  if not y then return nil end
  if rest ~= "" and not time_ok(rest) then
    return false, "cannot read the time after the date"
  end
  return checked(tonumber(y), tonumber(m), tonumber(d))
end

-- 'Jun 1 2018', 'June 1, 2018', 'Feb 06, 2023', '01 Aug 2017',
-- '1 August 2017', 'Sept. 3rd, 2019'.
local function parse_words(s)
  local t = s:lower():gsub("[,%.]", " "):gsub("(%d)(st)%f[%A]", "%1")
  t = t:gsub("(%d)nd%f[%A]", "%1"):gsub("(%d)rd%f[%A]", "%1")
  t = t:gsub("(%d)th%f[%A]", "%1")
  local mon, d, y = t:match("^%s*(%a+)%s+(%d%d?)%s+(%d%d%d%d)%s*$")
  if not mon then
    d, mon, y = t:match("^%s*(%d%d?)%s+(%a+)%s+(%d%d%d%d)%s*$")
  end
  local m = mon and month_names[mon]
  if not m then return nil end
  return checked(tonumber(y), m, tonumber(d))
end

local function parse_uncached(s)
  s = s:match("^%s*(.-)%s*$")
  local v, why = parse_numeric(s)
  if v then return v end
  if v == false or why then return nil, why end
  v, why = parse_words(s)
  if v or why then return v, why end
  if s:match("^%d%d%d%d%-%d%d?$") then
    return nil, "it names a month, not a day"
  end
  return nil, "not a date"
end

local parse_cache = {}

-- Returns "YYYY-MM-DD" for s, or nil and the reason it cannot be read.
-- Answers are remembered: registers repeat the same dates.
function M.parse(s)
  if type(s) ~= "string" then return nil, "not a text value" end
  local hit = parse_cache[s]
  if not hit then
    hit = {parse_uncached(s)}
    parse_cache[s] = hit
  end
  return hit[1], hit[2]
end
local function to_period(p)
  if type(p) == "table" then return p end
  return freq.period(p)
end

-- The date one period after d: p is a frequency ("monthly") or a table
-- {days=, months=, years=}. Months are added first and the day clamped to
-- the month's end (Jan 31 + 1 month = Feb 28), then days.
function M.add(d, p)
  local v, why = M.parse(d)
  if not v then return nil, why end
  local period = to_period(p)
  if not period then return nil, "not a periodic frequency" end
  local y, m, day = v:match("^(%d+)%-(%d+)%-(%d+)$")
  y, m, day = tonumber(y), tonumber(m), tonumber(day)
  local months = (period.years or 0) * 12 + (period.months or 0) + m - 1
  y, m = y + months // 12, months % 12 + 1
  day = math.min(day, month_length(y, m))
  return format(from_days(to_days(y, m, day) + (period.days or 0)))
end

local function day_number(s)
  local v = M.parse(s)
  if not v then return nil end
  local y, m, d = v:match("^(%d+)%-(%d+)%-(%d+)$")
  return to_days(tonumber(y), tonumber(m), tonumber(d))
end

-- Whole days from a to b (positive when b is later); nil when either
-- cannot be read.
function M.days_between(a, b)
  local x, y = day_number(a), day_number(b)
  if not x or not y then return nil end
  return y - x
end

-- Negative when a is earlier than b, 0 when the same day, positive when
-- later; nil when either cannot be read.
function M.compare(a, b)
  local n = M.days_between(b, a)
  if not n then return nil end
  return (n > 0 and 1) or (n < 0 and -1) or 0
end

return M
