-- auditlint.citations: every place the repository cites a requirement id,
-- for the rules that check ids (unknown-requirement, iso2013-id,
-- malformed-id) and for custom rules that want the same walk.
--
-- collect(repo) returns a list of citations, each a table with:
--   fw       canonical framework key the id is cited under
--   raw      the id as written
--   id       canonical id when ids.scan could read it (prose only)
--   reason   why ids.scan could not read it (prose only)
--   source   "maps" (also a catalogue requirement's own maps) | "prose"
--            | "soa" | "standard"
--   explicit true when cited under the 'iso27001:2013' key (not prose)
--   at, key  the model value to report on; prose: at = section with
--            offset and length; a standard: key_of = the standard
-- Retired documents cite nothing (they are history). In prose, the same
-- spelling is counted once per line. The list is computed once per
-- repository and kept as repo.citations, shared by every rule that asks:
-- treat it as read-only.

local ids = require("auditlint.ids")

local M = {}

-- explicit: the author chose the 2013 key in maps or a standard's name;
-- prose only looks like 2013 numbering.
local function add(out, c)
  c.explicit = c.source ~= "prose" and c.fw == "iso27001:2013"
  out[#out + 1] = c
end

local function add_maps(out, obj)
  local m = obj.maps
  if type(m) ~= "table" then return end
  local fws = {}
  for fw in pairs(m) do
    if type(fw) == "string" then fws[#fws + 1] = fw end
  end
  table.sort(fws)
  for _, fw in ipairs(fws) do
    local list = m[fw]
    if type(list) == "table" then
      for i, v in ipairs(list) do
        if type(v) == "string" then
          add(out, {fw = fw, raw = v, at = list, key = i, source = "maps"})
        end
      end
    end
  end
end

local function add_prose(out, section)
  local text = section.text
  if type(text) ~= "string" then return end
  local seen, line, pos = {}, 1, 1
  for _, hit in ipairs(ids.scan(text)) do
    for _ in text:sub(pos, hit.offset - 1):gmatch("\n") do line = line + 1 end
    pos = hit.offset
    local k = line .. "\0" .. hit.raw
    if not seen[k] then
      seen[k] = true
      add(out, {fw = hit.framework, raw = hit.raw, id = hit.id,
                reason = hit.reason, source = "prose", at = section,
                offset = hit.offset, length = hit.length})
    end
  end
end

local function add_soa(out, entry)
  local c = entry.control
  if type(c) ~= "string" then return end
  add(out, {fw = c:match("^[Aa]") and "iso27001" or "iso27002", raw = c,
            at = entry, key = "control", source = "soa"})
end

-- A catalogue's ids are its keys (report at the key); the ids its
-- requirements map to elsewhere (an OSSF guideline citing CSF) count as
-- maps.
local function add_standard(out, st)
  for _, req in ipairs(st.requirements or {}) do
    if type(req.raw_id) == "string" and type(st.framework) == "string" then
      add(out, {fw = st.framework, raw = req.raw_id, at = req, key = "id",
                key_of = st, source = "standard"})
    end
    add_maps(out, req)
  end
end

function M.collect(repo)
  if type(repo.citations) == "table" then return repo.citations end
  local out = {}
  for _, doc in ipairs(repo.documents or {}) do
    if doc.status ~= "retired" then
      add_maps(out, doc)
      for _, s in ipairs(doc.sections or {}) do add_prose(out, s) end
    end
  end
  for _, c in ipairs(repo.controls or {}) do add_maps(out, c) end
  for _, e in ipairs(repo.soa or {}) do add_soa(out, e) end
  for _, st in ipairs(repo.standards or {}) do add_standard(out, st) end
  repo.citations = out
  return out
end

-- The program's ISO edition from config.frameworks: {edition = "2013"}
-- when the iso27001 entry says version 2013, or only iso27001:2013 is
-- listed; else {edition = "2022"} (2013 certificates ended in October
-- 2025), strict when iso27001 is listed and iso27001:2013 is not.
function M.iso_program(config)
  local fws = type(config) == "table" and config.frameworks
  if type(fws) ~= "table" then return {edition = "2022"} end
  local has2022, has2013, version = false, false, nil
  for k, v in pairs(fws) do
    local key = type(k) == "string" and ids.framework(k)
    if key == "iso27001" or key == "iso27002" then
      has2022 = true
      if type(v) == "table" and v.version ~= nil then
        version = tostring(v.version)
      end
    elseif key == "iso27001:2013" then
      has2013 = true
    end
  end
  if (version and version:find("2013", 1, true)) or (has2013 and not has2022)
  then
    return {edition = "2013"}
  end
  return {edition = "2022", strict = has2022 and not has2013}
end

return M
