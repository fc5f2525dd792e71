-- malformed-id: a cited requirement id is not written in any form that
-- FORMATS.md section 5 accepts for its framework ('ID.AM.01', 'PR.A-02',
-- 'CC01', 'GV.OV-03:'). Accepted spellings are not reported: 'A5.15',
-- 'cc6.1', 'AC-2 (1)' and surrounding white space are fine, and the
-- model has already made them canonical. Ids are read from maps/
-- satisfies lists, SoA 'control' values, comply standards and the
-- prose and tables of document bodies; unknown framework keys are not
-- checked, nor are retired documents.
--
-- When exactly one repair of the spelling gives a real id, the message
-- names it and --fix can write it; otherwise ids that differ by one
-- character are offered. A CSF 1.1 id written the 1.1 way ('RS.IM-1')
-- is left to unknown-requirement, which says it was withdrawn.

local ids = require("auditlint.ids")
local citations = require("auditlint.citations")

local NOUN = {
  soc2 = "a SOC 2", iso27001 = "an ISO 27001", iso27002 = "an ISO 27002",
  ["iso27001:2013"] = "an ISO 27001:2013", ["nist-csf"] = "a NIST CSF",
  ["nist-800-53"] = "a NIST SP 800-53",
}

-- Where else a text may be a real id, and what that id is called.
local CATALOGUED = {"soc2", "iso27001", "iso27001:2013", "nist-csf"}

local WHAT = {
  soc2 = "a SOC 2 criterion", iso27001 = "an ISO 27001:2022 id",
  ["iso27001:2013"] = "an ISO 27001:2013 id", ["nist-csf"] = "a NIST CSF id",
}

-- ---- what is malformed ----

-- Whether id (canonical) is a real id of fw; NIST SP 800-53 has no
-- catalogue, so its form is enough. ISO ids of either edition count.
local function real(cat, fw, id)
  if fw == "nist-800-53" then return true end
  if fw == "iso27001" or fw == "iso27002" then
    return cat:lookup("iso27001", id) or cat:lookup("iso27001:2013", id)
  end
  return cat:lookup(fw, id) ~= nil
end

-- True when the text reads as an id: an accepted form, or a CSF
-- function or category ('GV', 'PR.AA') that ids.canonical does not
-- take.
local function readable(cat, c)
  if c.source == "prose" then return false end
  if ids.canonical(c.fw, c.raw) then return true end
  local up = c.raw:match("^%s*(.-)%s*$"):upper()
  return c.fw == "nist-csf"
    and (cat:lookup(c.fw, up) or cat:withdrawn(c.fw, up)) ~= nil
end

-- A CSF 1.1 id written the 1.1 way ('RS.IM-1'): unknown-requirement's.
local function withdrawn_form(cat, raw)
  local s = raw:upper():gsub("[%s:;,%.]+$", "")
  local f, c, n = s:match("^(%u%u)%.(%u%u)[%.%-](%d%d?)$")
  if not f then return nil end
  local id = ("%s.%s-%02d"):format(f, c, tonumber(n))
  return cat:withdrawn("nist-csf", id) and id or nil
end

-- ---- repairs and suggestions ----

-- Spellings worth trying: without trailing punctuation, and with the
-- separator the framework uses.
local function variants(fw, raw)
  local s = raw:gsub("[%s:;,%.]+$", "")
  local u = s:upper()
  local out = {s}
  if fw == "nist-csf" then
    local f, c, n = u:match("^(%u%u)%.(%u%u)[%.%-_ ](%d%d?)$")
    if f then out[2] = ("%s.%s-%02d"):format(f, c, tonumber(n)) end
  elseif fw == "soc2" then
    local a, n, m = u:match("^(%u+)(%d+)[%-_ ,:](%d+)$")
    if a then out[2] = a .. n .. "." .. m end
  elseif fw == "nist-800-53" then
    local f, rest = u:match("^(%u%u)[%s_%.]?(%d.*)$")
    if f then out[2] = f .. "-" .. rest end
  else
    out[2] = s:gsub("[%-_]", ".")
  end
  return out
end

-- The one real id a repair gives, or nil when none or several do.
local function repair(cat, fw, raw)
  local found
  for _, v in ipairs(variants(fw, raw)) do
    local id = ids.canonical(fw, v)
    if id and real(cat, fw, id) then
      if found and found ~= id then return nil end
      found = id
    end
  end
  return found
end

-- Up to two real ids one edit away from the text.
local function near(cat, fw, raw)
  local want = raw:gsub("[%s:;,%.]+$", ""):upper()
  local out = {}
  local list = fw == "iso27002" and "iso27001" or fw
  if fw == "nist-800-53" then return out end
  local found, dist = cat:nearest(list, want, 2)
  for i, id in ipairs(found) do
    if dist[i] <= 1 then out[#out + 1] = id end
  end
  return out
end

-- The catalogued framework in which the text is a real id, if any
-- ('C1.1' under iso27001 is a SOC 2 criterion).
local function elsewhere(cat, fw, raw)
  for _, other in ipairs(CATALOGUED) do
    local id = other ~= fw and ids.canonical(other, raw)
    if id and cat:lookup(other, id) then return other end
  end
  return nil
end

-- ---- messages ----

local function quoted(list)
  local q = {}
  for i, s in ipairs(list) do q[i] = "'" .. s .. "'" end
  if #q <= 1 then return q[1] or "" end
  return table.concat(q, ", ", 1, #q - 1) .. " or " .. q[#q]
end

local function message(cat, c, fix)
  local raw = c.raw
  local noun = NOUN[c.fw]
  if raw:match("^%s*$") then
    return ("an empty item in a list of %s ids; remove it or write the "
      .. "id"):format(noun:gsub("^an? ", ""))
  end
  local head = ("'%s' is not %s id"):format(raw, noun)
  local other = elsewhere(cat, c.fw, raw)
  if other then
    local where = c.source == "maps"
      and (": list it under '%s'"):format(other) or ""
    return ("%s but %s%s"):format(head, WHAT[other], where)
  end
  local list = fix and {fix} or near(cat, c.fw, raw)
  if #list > 0 then
    return ("%s; did you mean %s?"):format(head, quoted(list))
  end
  local _, reason = ids.canonical(c.fw, raw)
  return c.reason or reason or head
end

-- Whether the list already holds id, so that a fix would repeat it.
local function listed(c, id)
  if type(c.key) ~= "number" then return false end
  for _, v in ipairs(c.at) do
    if v == id then return true end
  end
  return false
end

local function report(ctx, cat, c)
  local fix = repair(cat, c.fw, c.raw)
  local r = {message = message(cat, c, fix), subject = c.fw .. ":" .. c.raw,
             frameworks = fix and {c.fw .. ":" .. fix} or nil}
  if c.key_of then
    r.file, r.line, r.col = ctx.key_where(c.key_of, c.raw)
  end
  if not r.file then
    r.at, r.key, r.offset, r.length = c.at, c.key, c.offset, c.length
    if fix and c.source ~= "prose" and not listed(c, fix) then
      r.fix = {replace = fix}
    end
  end
  ctx.report(r)
end

return {
  id = "malformed-id",
  severity = "warning",
  summary = "a requirement id is written in a form its framework does "
    .. "not use",
  frameworks = {"soc2", "iso27001", "iso27002", "iso27001:2013",
                "nist-csf", "nist-800-53"},
  options = {},

  check = function(repo, ctx)
    local cat = ctx.catalog
    if not cat then return end
    for _, c in ipairs(citations.collect(repo)) do
      if NOUN[c.fw] and (c.source ~= "prose" or c.id == nil)
         and not readable(cat, c)
         and not (c.fw == "nist-csf" and withdrawn_form(cat, c.raw)) then
        report(ctx, cat, c)
      end
    end
  end,
}
