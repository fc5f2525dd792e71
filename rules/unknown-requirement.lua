-- unknown-requirement: a document, control, SoA entry or comply standard
-- cites a requirement id that its framework's built-in catalogue does
-- not have ('CC9.9', 'A.5.38', 'GV.PO-03'), or a NIST CSF 1.1 id that
-- CSF 2.0 withdrew ('PR.AC-01'). Ids are read where they are cited:
-- maps/satisfies lists, SoA 'control' values, comply standards and the
-- prose and tables of document bodies. Frameworks without a catalogue
-- (nist-800-53) and unknown framework keys are not checked.
--
-- Three kinds of citation are left to other rules, so that no id is
-- reported twice: a form that does not read as an id (malformed-id), an
-- ISO 27001:2013 Annex A id in a program on 2022 (iso2013-id), and ids
-- in retired documents, which are history.
--
-- The ISO edition comes from the configuration: frameworks.iso27001.
-- version 2013 (or naming only iso27001:2013) checks 'iso27001' ids
-- against the 2013 catalogue; otherwise 2022 applies.

local ids = require("auditlint.ids")
local citations = require("auditlint.citations")

local CATALOGUED = {
  soc2 = true, iso27001 = true, iso27002 = true,
  ["iso27001:2013"] = true, ["nist-csf"] = true,
}

local NOUN = {
  soc2 = "a SOC 2 criterion", ["nist-csf"] = "a NIST CSF 2.0 id",
  iso27001 = "an ISO 27001:2022 id", iso27002 = "an ISO 27002:2022 id",
  ["iso27001:2013"] = "an ISO 27001:2013 id",
}

-- ---- classification ----

-- The canonical id, also for the CSF function and category ids ('GV',
-- 'PR.AA') that ids.canonical does not read; nil when malformed.
local function canonical(cat, c)
  if c.id then return c.id end
  local id = ids.canonical(c.fw, c.raw)
  if id then return id end
  local up = c.raw:match("^%s*(.-)%s*$"):upper()
  if cat:lookup(c.fw, up) or cat:withdrawn(c.fw, up) then return up end
  return nil
end

-- The one certain canonical form of a malformed CSF id when that form
-- is a withdrawn id ('RS.IM-1'): a CSF 1.1 id, reported here.
local function withdrawn_form(cat, raw)
  local s = raw:upper():gsub("[%s:;,%.]+$", "")
  local f, c, n = s:match("^(%u%u)%.(%u%u)[%.%-](%d%d?)$")
  if not f then return nil end
  local id = ("%s.%s-%02d"):format(f, c, tonumber(n))
  return cat:withdrawn("nist-csf", id) and id or nil
end

-- The 2013 control objectives ('A.9.2'), built once per catalogue.
local objectives_of = setmetatable({}, {__mode = "k"})

local function objectives(cat)
  local set = objectives_of[cat]
  if set then return set end
  set = {}
  for _, e in ipairs(cat:ids("iso27001:2013")) do
    if e.objective then set[e.objective] = true end
  end
  objectives_of[cat] = set
  return set
end

-- '6.1.2.c' names clause 6.1.2.
local function clause_base(id)
  return id:match("^(%d[%d%.]*%d)%.%a$") or id
end

local function in_iso(cat, fw, id)
  local base = clause_base(id)
  if fw == "iso27001:2013" then
    return cat:lookup(fw, base) ~= nil or objectives(cat)[id] == true
  end
  return cat:lookup("iso27001", base) ~= nil
end

-- 'unknown' with what the message needs, or nil when the id is fine or
-- belongs to another rule.
local function classify_iso(cat, prog, c, id)
  local in22 = in_iso(cat, "iso27001", id)
  local in13 = in_iso(cat, "iso27001:2013", id)
  if c.explicit then
    return not in13 and {id = id, fw = "iso27001:2013"} or nil
  end
  if prog.edition == "2013" then
    if in13 or (c.source == "prose" and in22) then return nil end
    return {id = id, fw = "iso27001:2013", newer = in22}
  end
  if in22 or (in13 and id:match("^A%.")) then return nil end
  return {id = id, fw = "iso27001", both = id:match("^A%.%d+%.%d+%.%d+$")}
end

local function classify(cat, prog, c)
  if not CATALOGUED[c.fw] then return nil end
  local id = canonical(cat, c)
  if not id then
    local w = c.fw == "nist-csf" and withdrawn_form(cat, c.raw)
    return w and {id = w, fw = c.fw, withdrawn = cat:withdrawn(c.fw, w)}
  end
  if c.fw == "soc2" or c.fw == "nist-csf" then
    if cat:lookup(c.fw, id) then return nil end
    return {id = id, fw = c.fw, withdrawn = cat:withdrawn(c.fw, id)}
  end
  return classify_iso(cat, prog, c, id)
end

-- ---- suggestions ----

-- A CSF category cited under the wrong function ('GV.IM-01': CSF 2.0
-- has Improvement as ID.IM): the same subcategory, or the category.
local function moved_category(cat, id)
  local fn, code, num = id:match("^(%u%u)%.(%u%u)%-(%d%d)$")
  if not fn or cat:lookup("nist-csf", fn .. "." .. code) then return nil end
  for _, f in ipairs(cat:ids("nist-csf")) do
    if f.kind == "function" and f.id ~= fn then
      local c = f.id .. "." .. code
      if cat:lookup("nist-csf", c .. "-" .. num) then return c .. "-" .. num end
      if cat:lookup("nist-csf", c) then return c end
    end
  end
  return nil
end

-- Up to two near ids (cat:suggest ranks and bounds them).
local function suggest(cat, fws, id)
  local moved = fws[1] == "nist-csf" and moved_category(cat, id)
  if moved then return {moved} end
  local out = {}
  for _, s in ipairs(cat:suggest(fws, id, 2)) do out[#out + 1] = s.id end
  return out
end

-- ---- messages ----

local function quoted(list, conj)
  local q = {}
  for i, s in ipairs(list) do q[i] = "'" .. s .. "'" end
  if #q <= 1 then return q[1] or "" end
  return table.concat(q, ", ", 1, #q - 1) .. " " .. conj .. " " .. q[#q]
end

local function withdrawn_message(raw, w)
  local into = w.incorporated_into or {}
  local tail = #into > 0 and ("; cite %s instead"):format(quoted(into, "or"))
    or "; remove it"
  return ("'%s' is a NIST CSF 1.1 id that CSF 2.0 withdrew%s")
    :format(raw, tail)
end

local function newer_message(cat, raw, id)
  local pred = cat:predecessors(id)
  local tail = "; it has no 2013 predecessor: remove it or move the "
    .. "program to 2022"
  if #pred > 0 then
    tail = ("; cite its 2013 predecessor%s %s")
      :format(#pred > 1 and "s" or "", quoted(pred, "or"))
  end
  return ("'%s' is an ISO 27001:2022 id, but the program is on ISO "
    .. "27001:2013 (frameworks.iso27001.version)%s"):format(raw, tail)
end

-- An Availability criterion written like an Annex A id ('A1.2' read as
-- 'A.1.2' under iso27001).
local function soc2_lookalike(cat, u)
  local alt = u.id:match("^A%.(%d%.%d+)$")
  if alt and cat:lookup("soc2", "A" .. alt) then return "A" .. alt end
  return nil
end

local function search_in(u)
  if u.fw == "iso27001" or u.fw == "iso27001:2013" then
    return {"iso27001", "iso27001:2013"}
  end
  return {u.fw}
end

local function message(cat, c, u)
  local raw = c.raw:match("^%s*(.-)%s*$")
  if u.withdrawn then return withdrawn_message(raw, u.withdrawn) end
  if u.newer then return newer_message(cat, raw, u.id) end
  local noun = NOUN[u.fw]
  if u.both then noun = noun .. ", nor a 2013 one" end
  local head = ("'%s' is not %s"):format(raw, noun)
  local soc2 = u.fw == "iso27001" and soc2_lookalike(cat, u)
  if soc2 then
    return ("%s; '%s' is a SOC 2 criterion: list it under 'soc2'")
      :format(head, soc2)
  end
  local near = suggest(cat, search_in(u), u.id)
  if #near == 0 then
    return ("%s; 'auditlint catalog %s' lists the ids"):format(head, u.fw)
  end
  return ("%s; did you mean %s?"):format(head, quoted(near, "or"))
end

-- ---- reporting ----

local function report(ctx, c, msg, u)
  local r = {message = msg, frameworks = {u.fw .. ":" .. u.id},
             subject = u.fw .. ":" .. u.id}
  if c.key_of then
    r.file, r.line, r.col = ctx.key_where(c.key_of, c.raw)
  end
  if not r.file then
    r.at, r.key, r.offset, r.length = c.at, c.key, c.offset, c.length
  end
  ctx.report(r)
end

return {
  id = "unknown-requirement",
  severity = "error",
  summary = "a cited requirement id is not in its framework's catalogue",
  frameworks = {"soc2", "iso27001", "iso27002", "iso27001:2013",
                "nist-csf"},
  options = {},

  check = function(repo, ctx)
    local cat = ctx.catalog
    if not cat then return end
    local prog = citations.iso_program(ctx.config)
    local memo = {}
    for _, c in ipairs(citations.collect(repo)) do
      local key = ("%s\0%s\0%s%s"):format(c.fw, c.raw, c.explicit or "",
                                         c.source == "prose" or "")
      local v = memo[key]
      if v == nil then
        local u = classify(cat, prog, c)
        v = u and {u, message(cat, c, u)} or false
        memo[key] = v
      end
      if v then report(ctx, c, v[2], v[1]) end
    end
  end,
}
