-- auditlint.freq: the frequency vocabulary of FORMATS.md section 6.
-- Pure functions over strings; no state, no globals.

local M = {}

-- Strictest first; the order is the comparison order.
M.names = {
  "continuous", "daily", "weekly", "monthly", "quarterly",
  "semiannual", "annual", "biennial", "event-driven",
}

local rank = {}
for i, name in ipairs(M.names) do rank[name] = i end

-- Nominal periods in days; event-driven has none.
local period_days = {
  continuous = 0, daily = 1, weekly = 7, monthly = 30, quarterly = 91,
  semiannual = 182, annual = 365, biennial = 730,
}

-- Calendar periods, for date arithmetic (auditlint.date uses them).
local calendar = {
  continuous = {days = 0}, daily = {days = 1}, weekly = {days = 7},
  monthly = {months = 1}, quarterly = {months = 3},
  semiannual = {months = 6}, annual = {years = 1}, biennial = {years = 2},
}

-- Spellings seen in real repositories, after folding case and turning
-- '_' and runs of spaces into '-'.
local aliases = {
  ["real-time"] = "continuous", realtime = "continuous",
  automated = "continuous", continuously = "continuous",
  day = "daily", week = "weekly", month = "monthly",
  quarter = "quarterly",
  ["semi-annual"] = "semiannual", ["semi-annually"] = "semiannual",
  semiannually = "semiannual", ["half-yearly"] = "semiannual",
  biannual = "semiannual", ["bi-annual"] = "semiannual",
  annually = "annual", yearly = "annual", year = "annual",
  ["event"] = "event-driven", eventdriven = "event-driven",
  ["on-change"] = "event-driven", ["per-event"] = "event-driven",
  ["on-hire"] = "event-driven", ["on-termination"] = "event-driven",
}

-- The cron shorthands; '@reboot' is not periodic in any useful sense.
local macros = {
  ["@yearly"] = "annual", ["@annually"] = "annual",
  ["@monthly"] = "monthly", ["@weekly"] = "weekly",
  ["@daily"] = "daily", ["@midnight"] = "daily", ["@hourly"] = "daily",
}

local month_names = {
  jan = 1, feb = 2, mar = 3, apr = 4, may = 5, jun = 6,
  jul = 7, aug = 8, sep = 9, oct = 10, nov = 11, dec = 12,
}
local dow_names = {sun = 0, mon = 1, tue = 2, wed = 3, thu = 4, fri = 5,
                   sat = 6}

local function fold(s)
  s = s:lower():gsub("^%s+", ""):gsub("%s+$", "")
  return (s:gsub("[%s_]+", "-"))
end

-- Reads one value of a cron field: a number or a month/day name.
local function cron_value(s, names)
  local n = tonumber(s)
  if n and s:match("^%d+$") then return n end
  return names and names[s:lower()]
end

-- Expands one comma-separated item ('*', 'a', 'a-b', with '/step') into
-- set; returns false when the item cannot be read.
local function cron_item(item, lo, hi, names, set)
  local base, step = item:match("^(.-)/(%d+)$")
  step = tonumber(step) or 1
  base = base or item
  local a, b
  if base == "*" or base == "?" then
    a, b = lo, hi
  elseif base:find("-", 1, true) then
    local x, y = base:match("^(%w+)%-(%w+)$")
    a, b = x and cron_value(x, names), y and cron_value(y, names)
  else
    a = cron_value(base, names)
    b = (item:find("/", 1, true) and hi) or a
  end
  if not a or not b or a < lo or b > hi or a > b or step < 1 then
    return false
  end
  for v = a, b, step do set[v] = true end
  return true
end

-- Returns the set of values a cron field allows, plus whether it was
-- unrestricted ('*'), or nil when the field cannot be read.
local function cron_field(field, lo, hi, names)
  local set = {}
  for item in (field .. ","):gmatch("([^,]*),") do
    if item == "" or not cron_item(item, lo, hi, names, set) then
      return nil
    end
  end
  return set, (field == "*" or field == "?")
end

-- Days since 1970-01-01 for a civil date (proleptic Gregorian).
local function day_number(y, m, d)
  y = (m <= 2) and y - 1 or y
  local era = y // 400
  local yoe = y - era * 400
  local mp = (m + 9) % 12
  local doy = (153 * mp + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

local function month_length(y, m)
  if m == 2 then
    local leap = (y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0
    return leap and 29 or 28
  end
  return ({31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31})[m]
end

-- Does a cron job with these day fields run on y-m-d? Vixie cron runs a
-- job when either day field matches if both are restricted.
local function runs_on(f, y, m, d)
  if not f.month[m] then return false end
  local dow = (day_number(y, m, d) + 4) % 7   -- 1970-01-01 was a Thursday
  local dom_ok, dow_ok = f.dom[d], f.dow[dow] or (dow == 0 and f.dow[7])
  if f.dom_any and f.dow_any then return true end
  if f.dom_any then return dow_ok end
  if f.dow_any then return dom_ok end
  return dom_ok or dow_ok
end

-- The largest gap in days between two runs over eight years (two leap
-- cycles), or nil when the job never runs twice in that window.
local function largest_gap(f)
  local last, gap
  for y = 2001, 2008 do
    for m = 1, 12 do
      for d = 1, month_length(y, m) do
        if runs_on(f, y, m, d) then
          local n = day_number(y, m, d)
          if last then gap = math.max(gap or 0, n - last) end
          last = n
        end
      end
    end
  end
  return gap
end

-- The vocabulary entry a largest gap guarantees: the strictest period
-- that every interval between two runs fits in.
local function period_for_gap(gap)
  local limits = {
    {1, "daily"}, {7, "weekly"}, {31, "monthly"}, {92, "quarterly"},
    {184, "semiannual"}, {366, "annual"}, {731, "biennial"},
  }
  for _, l in ipairs(limits) do
    if gap <= l[1] then return l[2] end
  end
  return nil
end

-- Parses a 5-field (min hour dom month dow) or 6-field (sec min hour dom
-- month dow, as comply writes it) cron expression into its period.
local cron_fields = {
  {"minute", 0, 59}, {"hour", 0, 23}, {"day-of-month", 1, 31},
  {"month", 1, 12, month_names}, {"day-of-week", 0, 7, dow_names},
}

-- Parses a 5-field (min hour dom month dow) or 6-field (sec min hour dom
-- month dow, as comply writes it) cron expression into its period.
local function parse_cron(fields)
  if #fields == 6 and not cron_field(table.remove(fields, 1), 0, 59) then
    return nil, "the seconds field cannot be read"
  end
  local sets = {}
  for i, spec in ipairs(cron_fields) do
    local set, any = cron_field(fields[i], spec[2], spec[3], spec[4])
    if not set then
      return nil, ("the %s field '%s' cannot be read"):format(spec[1],
                                                             fields[i])
    end
    sets[i] = {set, any}
  end
  local f = {dom = sets[3][1], dom_any = sets[3][2], month = sets[4][1],
             dow = sets[5][1], dow_any = sets[5][2]}
  local gap = largest_gap(f)
  if not gap then return nil, "the cron expression never runs" end
  local name = period_for_gap(gap)
  if not name then return nil, "the cron expression runs too rarely" end
  return name
end

-- True when s has the shape of a cron expression (5 or 6 fields of cron
-- characters), whether or not its values make sense.
function M.is_cron(s)
  if type(s) ~= "string" then return false end
  local fields = {}
  for w in s:gmatch("%S+") do fields[#fields + 1] = w end
  if #fields ~= 5 and #fields ~= 6 then return false end
  for _, w in ipairs(fields) do
    if not w:match("^[%w%*%?,/%-]+$") then return false end
  end
  return fields[1]:match("^[%d%*%?,/%-]+$") ~= nil, fields
end

local function parse_uncached(s)
  local f = fold(s)
  if f == "" then return nil, "empty" end
  if rank[f] then return f end
  if aliases[f] then return aliases[f] end
  if macros[f] then return macros[f] end
  local cron, fields = M.is_cron(s)
  if cron then return parse_cron(fields) end
  return nil, "not in the frequency vocabulary"
end

local parse_cache = {}

-- Returns the canonical name for s, or nil and the reason. Answers are
-- remembered: a repository repeats the same few spellings.
function M.parse(s)
  if type(s) ~= "string" then return nil, "not a text value" end
  local hit = parse_cache[s]
  if not hit then
    hit = {parse_uncached(s)}
    parse_cache[s] = hit
  end
  return hit[1], hit[2]
end

-- Nominal period in days of a frequency (name or alias); nil for
-- event-driven and for anything unreadable.
function M.days(name)
  local n = M.parse(name)
  return n and period_days[n]
end

-- The calendar period of a frequency as {days=, months=, years=}, or nil.
function M.period(name)
  local n = M.parse(name)
  local p = n and calendar[n]
  if not p then return nil end
  return {days = p.days, months = p.months, years = p.years}
end

-- Negative when a is stricter than b, 0 when equal, positive when looser;
-- nil when either cannot be read.
function M.compare(a, b)
  local x, y = M.parse(a), M.parse(b)
  if not x or not y then return nil end
  return rank[x] - rank[y]
end

-- The strictest readable frequency in list, or nil when there is none.
function M.strictest(list)
  local best
  for _, v in ipairs(list or {}) do
    local n = M.parse(v)
    if n and (not best or rank[n] < rank[best]) then best = n end
  end
  return best
end

return M
