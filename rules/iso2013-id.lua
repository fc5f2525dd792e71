-- iso2013-id: an ISO 27001:2013 Annex A id ('A.9.2.3') or control
-- objective ('A.13.1') cited in a program on ISO 27001:2022; the message
-- names the 2022 successor(s) from the ISO 27002:2022 Annex B
-- correspondence. Ids are read from maps/satisfies lists, SoA 'control'
-- values and the prose and tables of document bodies.
--
-- A program is on 2022 unless the configuration says 2013
-- (frameworks.iso27001.version: 2013, or only iso27001:2013 listed):
-- 2013 certificates expired in October 2025. Ids mapped under the
-- explicit key 'iso27001:2013' are the author's deliberate choice and
-- are reported only when the configuration lists the frameworks the
-- program is audited against, with iso27001 on 2022 and without
-- iso27001:2013. Retired documents and comply standards (catalogues,
-- not citations) are not checked. An id in neither edition is left to
-- unknown-requirement.

local ids = require("auditlint.ids")
local citations = require("auditlint.citations")

local ISO = {iso27001 = true, iso27002 = true, ["iso27001:2013"] = true}

-- ---- the 2013 ids and their successors ----

-- objective id -> its controls, built once per catalogue.
local objectives_of = setmetatable({}, {__mode = "k"})

local function objectives(cat)
  local map = objectives_of[cat]
  if map then return map end
  map = {}
  for _, e in ipairs(cat:ids("iso27001:2013")) do
    if e.objective then
      map[e.objective] = map[e.objective] or {}
      table.insert(map[e.objective], e.id)
    end
  end
  objectives_of[cat] = map
  return map
end

-- The 2022 ids that replace every control of a list, each once.
local function successors(cat, list)
  local out, seen = {}, {}
  for _, id in ipairs(list) do
    for _, s in ipairs(cat:successors(id)) do
      if not seen[s] then
        seen[s] = true
        out[#out + 1] = s
      end
    end
  end
  return out
end

-- {id=, succ=, objective=, explicit=} for a 2013 citation this rule
-- reports, or nil.
local function classify(cat, prog, c)
  if prog.edition == "2013" then return nil end
  local id = c.id or ids.canonical(c.fw, c.raw)
  if not id or not id:match("^A%.") or cat:lookup("iso27001", id) then
    return nil
  end
  if c.explicit and not prog.strict then return nil end
  local members = objectives(cat)[id]
  if cat:lookup("iso27001:2013", id) then
    return {id = id, succ = cat:successors(id), explicit = c.explicit}
  elseif members then
    return {id = id, succ = successors(cat, members), objective = true,
            explicit = c.explicit}
  end
  return nil
end

-- ---- reporting ----

local function quoted(list)
  local q = {}
  for i, s in ipairs(list) do q[i] = "'" .. s .. "'" end
  if #q <= 1 then return q[1] or "" end
  return table.concat(q, ", ", 1, #q - 1) .. " and " .. q[#q]
end

local function message(o)
  local what = o.objective and "an ISO 27001:2013 control objective"
    or "an ISO 27001:2013 id"
  local head = ("'%s' is %s"):format(o.id, what)
  if o.explicit then
    head = ("'%s' is mapped under 'iso27001:2013', but the program is "
      .. "audited against ISO 27001:2022 only"):format(o.id)
  end
  if #o.succ == 0 then
    return head .. "; it has no 2022 successor: remove it"
  end
  local verb = o.objective and "its controls are" or "it is"
  return ("%s; in 2022 %s %s"):format(head, verb, quoted(o.succ))
end

-- A one-for-one replacement, unless the list already has the successor.
local function fix_for(c, o)
  if o.explicit or o.objective or #o.succ ~= 1 or c.offset then
    return nil
  end
  local new = o.succ[1]
  if c.fw == "iso27002" and c.key ~= "control" then
    new = new:gsub("^A%.", "")
  end
  if type(c.key) == "number" then
    for _, v in ipairs(c.at) do
      if v == o.succ[1] then return nil end
    end
  end
  return {replace = new}
end

local function report(ctx, c, o)
  local fws = {"iso27001:2013:" .. o.id}
  for _, s in ipairs(o.succ) do fws[#fws + 1] = "iso27001:" .. s end
  ctx.report{
    at = c.at, key = c.key, offset = c.offset, length = c.length,
    message = message(o), frameworks = fws, subject = "iso27001:2013:"
      .. o.id, fix = fix_for(c, o),
  }
end

return {
  id = "iso2013-id",
  severity = "warning",
  summary = "an ISO 27001:2013 Annex A id is cited in a program on "
    .. "ISO 27001:2022",
  frameworks = {"iso27001", "iso27001:2013"},
  options = {},

  check = function(repo, ctx)
    local cat = ctx.catalog
    if not cat then return end
    local prog = citations.iso_program(ctx.config)
    for _, c in ipairs(citations.collect(repo)) do
      if ISO[c.fw] and c.source ~= "standard" then
        local o = classify(cat, prog, c)
        if o then report(ctx, c, o) end
      end
    end
  end,
}
