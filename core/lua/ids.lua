-- auditlint.ids: framework keys and requirement ids (FORMATS.md section
-- 5). canonical() checks the form of an id, not whether the catalogue
-- has it: 'CC9.9' is well formed and left to the catalogue rules.

local M = {}

-- Most values have no surrounding space: check the end bytes first.
local function trim(s)
  local a, z = s:byte(1), s:byte(-1)
  if a == nil or (a > 32 and z > 32) then return s end
  return (s:gsub("^%s+", ""):gsub("%s+$", ""))
end

-- Framework keys are compared folded: lowercase, '_' and spaces as '-',
-- 'ISO/IEC 27001' as 'iso27001'.
local function fold_key(key)
  local k = trim(key):lower():gsub("[%s_]+", "-")
  return (k:gsub("^iso/iec", "iso"):gsub("^iso%-iec", "iso"))
end

local soc2_keys = {
  soc2 = true, ["soc-2"] = true, tsc = true, ["tsc-2017"] = true,
  tsc2017 = true, ["soc2-tsc"] = true, ["aicpa-tsc"] = true,
  ["soc2-2017"] = true, ["soc2:2017"] = true,
}

-- 'iso27001', 'iso-27001:2022', 'ISO/IEC 27001:2013', 'iso27002-2022'.
local function iso_key(k)
  local num, rest = k:match("^iso%-?(2700[12])(.*)$")
  if not num then return nil end
  rest = rest:gsub("^[:%-]", "")
  if rest == "" or rest == "2022" then return "iso" .. num end
  if rest == "2013" and num == "27001" then return "iso27001:2013" end
  return nil
end

local function csf_key(k)
  local rest = k:gsub("^nist%-?", ""):match("^csf(.*)$")
  rest = rest and rest:gsub("^[:%-]", ""):gsub("^v", "")
  if rest == "" or rest == "2" or rest == "2.0" then return "nist-csf" end
  return nil
end

local function sp800_53_key(k)
  local rest = k:gsub("^nist%-?", ""):gsub("^sp%-?", "")
  rest = rest:match("^800%-53(.*)$")
  rest = rest and rest:gsub("[%.%-:]", "")
  if rest == "" or (rest and rest:match("^rev?[45]$")) then
    return "nist-800-53"
  end
  return nil
end

-- A repository repeats the same few keys and ids thousands of times;
-- the answers are remembered (false for "none").
local framework_cache, canonical_cache = {}, {}

local function framework_of(key)
  local k = fold_key(key)
  if soc2_keys[k] then return "soc2" end
  return iso_key(k) or csf_key(k) or sp800_53_key(k)
end

-- Returns the canonical framework key for key, or nil when unknown.
function M.framework(key)
  if type(key) ~= "string" then return nil end
  local hit = framework_cache[key]
  if hit == nil then
    hit = framework_of(key) or false
    framework_cache[key] = hit
  end
  return hit or nil
end

M.frameworks = {
  "soc2", "iso27001", "iso27002", "iso27001:2013", "nist-csf",
  "nist-800-53",
}

local soc2_series = {CC = true, A = true, C = true, PI = true, P = true}

local function soc2(s)
  local u = s:upper():gsub("%s+", "")
  local series, a, b = u:match("^(%u+)(%d+)%.(%d+)$")
  if series and soc2_series[series] then return series .. a .. "." .. b end
  return nil, ("'%s' is not a SOC 2 criterion id; criteria read like "
    .. "CC6.1, A1.2, C1.1, PI1.3 or P4.2"):format(s)
end

-- 'A.5.15', 'A5.15', 'a.5.15', 'A 5.15' -> 'A.5.15'; two or three levels
-- (three is the 2013 numbering, kept so a rule can say so).
local function annex(s)
  local rest = s:match("^[Aa]%s*%.?%s*(%d[%d%.]*)$")
  if rest and (rest:match("^%d+%.%d+$") or rest:match("^%d+%.%d+%.%d+$"))
  then
    return "A." .. rest
  end
  return nil
end

-- '9.2', '6.1.3', '4.2.a', '6.1.3 d)', 'clause 9.2' -> '9.2', '6.1.3.d'.
local function clause(s)
  s = s:gsub("^[Cc]lause%s*", "")
  local num, tail = s:match("^(%d+[%d%.]*)(.*)$")
  if not num then return nil end
  num = num:gsub("%.$", "")
  if not num:match("^%d+$") and not num:match("^%d+%.[%d%.]*%d$") then
    return nil
  end
  if num:find("..", 1, true) then return nil end
  if tail == "" then return num end
  local letter = tail:match("^%s*%(?%s*(%a)%s*%)?$")
  return letter and (num .. "." .. letter:lower())
end

local function iso27001(s)
  local v = annex(s) or clause(s)
  if v then return v end
  return nil, ("'%s' is neither an Annex A id (A.5.15) nor a clause "
    .. "number (9.2)"):format(s)
end

-- ISO 27002 numbers its controls without the 'A.' of Annex A.
local function iso27002(s)
  local v = annex(s)
  if not v and (s:match("^%d+%.%d+$") or s:match("^%d+%.%d+%.%d+$")) then
    v = "A." .. s
  end
  if v then return v end
  return nil, ("'%s' is not an ISO 27002 control number; they read like "
    .. "5.15"):format(s)
end

local csf_functions = {
  GV = true, ID = true, PR = true, DE = true, RS = true, RC = true,
}

local function csf_reason(s, u)
  local fn, cat, num = u:match("^(%u%u)%.(%u%u)%-(%d)$")
  if fn and csf_functions[fn] then
    return ("'%s' is written the CSF 1.1 way; CSF 2.0 writes two digits, "
      .. "as in '%s.%s-0%s'"):format(s, fn, cat, num)
  end
  return ("'%s' is not a NIST CSF 2.0 subcategory id; they read like "
    .. "GV.PO-01"):format(s)
end

-- Subcategories ('GV.PO-01'), categories ('PR.AA') and functions ('GV').
local function nist_csf(s)
  local u = s:upper()
  local fn = u:match("^(%u%u)%.%u%u%-%d%d$") or u:match("^(%u%u)%.%u%u$")
    or u:match("^(%u%u)$")
  if fn and csf_functions[fn] then return u end
  return nil, csf_reason(s, u)
end

-- 'AC-2', 'ac-02', 'AC-2 (1)', 'AC-2(01)', 'ac-2.1' (OSCAL) -> 'AC-2(1)'.
local function nist_800_53(s)
  local u = s:upper()
  local fam, n = u:match("^(%u%u)%-0*(%d+)$")
  if fam then return fam .. "-" .. n end
  local e
  fam, n, e = u:match("^(%u%u)%-0*(%d+)%s*%(%s*0*(%d+)%s*%)$")
  if not fam then fam, n, e = u:match("^(%u%u)%-0*(%d+)%.0*(%d+)$") end
  if fam then return ("%s-%s(%s)"):format(fam, n, e) end
  return nil, ("'%s' is not a NIST SP 800-53 control id; they read like "
    .. "AC-2 or AC-2(1)"):format(s)
end

local canonicalisers = {
  soc2 = soc2, iso27001 = iso27001, ["iso27001:2013"] = iso27001,
  iso27002 = iso27002, ["nist-csf"] = nist_csf,
  ["nist-800-53"] = nist_800_53,
}

-- Returns the canonical form of id under framework fw (any accepted
-- spelling of the key), or nil and the reason.
function M.canonical(fw, id)
  if type(id) ~= "string" then return nil, "not a text value" end
  local key = type(fw) == "string" and (M.framework(fw) or fw)
  local f = canonicalisers[key]
  if not f then
    return nil, ("unknown framework '%s'"):format(tostring(fw))
  end
  local ck = key .. "\0" .. id
  local hit = canonical_cache[ck]
  if not hit then
    local s = trim(id)
    if s == "" then
      hit = {nil, "empty id"}
    else
      hit = {f(s)}
    end
    canonical_cache[ck] = hit
  end
  return hit[1], hit[2]
end

-- Prose scanning. Only forms with a letter prefix are cited in prose;
-- a bare '9.2' or '2.6' is a section or version number far more often
-- than a clause, so it is never taken for one.

local sp800_53_families = {}
for f in ("AC AT AU CA CM CP IA IR MA MP PE PL PM PS PT RA SA SC SI SR")
    :gmatch("%u%u") do
  sp800_53_families[f] = true
end

-- After an id: no letter, digit or '_', and no '.' or '-' that carries
-- on into another level ('A.5.1' in 'A.5.1.2', 'AC-2' in 'AC-2-3').
local function ends_cleanly(text, e)
  local c = text:sub(e, e)
  if c:match("[%w_]") then return false end
  if c == "." or c == "-" then
    return not text:sub(e + 1, e + 1):match("%d")
  end
  return true
end

local function csf_at(text, p)
  local fn, cat, sep, num, e =
    text:match("^(%u%u)%.(%u%u?%u?)([%-%.])(%d%d?)()", p)
  if not fn or not csf_functions[fn] or not ends_cleanly(text, e) then
    return nil
  end
  local raw = text:sub(p, e - 1)
  local hit = {framework = "nist-csf", raw = raw}
  if #cat == 2 and sep == "-" and #num == 2 then
    hit.id = raw
  else
    hit.reason = csf_reason(raw, raw)
  end
  return hit, e
end

local function sp800_53_at(text, p)
  local fam, n, e = text:match("^(%u%u)%-(%d%d?)()", p)
  if not fam or not sp800_53_families[fam] then return nil end
  local enh, e2 = text:match("^ ?%((%d%d?)%)()", e)
  if enh then e = e2 end
  if not ends_cleanly(text, e) then return nil end
  local raw = text:sub(p, e - 1)
  return {framework = "nist-800-53", raw = raw,
          id = (nist_800_53(raw))}, e
end

-- SOC 2 series and the series numbers that exist: A1, C1, PI1, P1-P8,
-- CC1-CC9 (CC0 too, a typo seen in real repositories that the catalogue
-- rules should get to see).
local function soc2_at(text, p)
  local series, a, b, e = text:match("^(%u%u?)(%d)%.(%d%d?)()", p)
  if not series or not soc2_series[series] then return nil end
  local ok = series == "CC" or (series == "P" and a ~= "0" and a ~= "9")
             or a == "1"
  if not ok or not ends_cleanly(text, e) then return nil end
  local raw = text:sub(p, e - 1)
  return {framework = "soc2", raw = raw, id = raw}, e
end

-- Annex A: 2022 numbers run A.5-A.8 with two levels; three levels or a
-- first number of 9 and above (up to A.18) is the 2013 numbering.
local function annex_at(text, p)
  local major, minor, e = text:match("^A%.?(%d%d?)%.(%d%d?)()", p)
  if not major then return nil end
  local third, e3 = text:match("^%.(%d%d?)()", e)
  if third then e = e3 end
  local m = tonumber(major)
  if m < 5 or m > 18 or not ends_cleanly(text, e) then return nil end
  local id = "A." .. major .. "." .. minor .. (third and "." .. third or "")
  local fw = (third or m > 8) and "iso27001:2013" or "iso27001"
  return {framework = fw, raw = text:sub(p, e - 1), id = id}, e
end

local matchers = {csf_at, sp800_53_at, soc2_at, annex_at}

-- An id glued to a word before it ('OSPS-AC-01', 'PR.AC-01', '#A.5.1') is
-- part of something else; after a digit ('A.5.19-A.5.23') it is a range.
local function starts_cleanly(text, p)
  if p == 1 then return true end
  local c = text:sub(p - 1, p - 1)
  if c == "-" then return not text:sub(p - 2, p - 2):match("%a") end
  return not c:match("[%._#@\\]")
end

local function match_at(text, p)
  if not starts_cleanly(text, p) then return nil end
  for _, m in ipairs(matchers) do
    local hit, e = m(text, p)
    if hit then return hit, e end
  end
  return nil
end

-- Returns every framework id cited in text, in order: {framework=, id=,
-- raw=, offset=, length=}. offset is a 1-based byte offset into text. A
-- citation shaped like an id that does not read as one ('PR.A-02',
-- 'ID.AM.01') has id = nil and a reason.
function M.scan(text)
  local out = {}
  if type(text) ~= "string" then return out end
  local pos = 1
  while true do
    local p = text:find("%f[%w]%u", pos)
    if not p then break end
    local hit, e = match_at(text, p)
    if hit then
      hit.offset, hit.length = p, e - p
      out[#out + 1] = hit
      pos = e
    else
      pos = text:find("%f[%W]", p + 1) or #text + 1
    end
  end
  return out
end

return M
