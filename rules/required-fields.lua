-- required-fields: an object lacks a field the organisation requires
-- (by default: who owns a control and how often it runs, who owns a
-- document, who owns a risk and how it is treated). One finding per
-- object names every missing field.
--
-- A value the model could not read (object.unreadable[field]) is not
-- missing: it has its own finding. Retired documents, README/index
-- pages and controls marked not-applicable are not checked; drafts are.

local kinds = {
  {option = "control", list = "controls", noun = "control"},
  {option = "document", list = "documents", noun = "document"},
  {option = "risk", list = "risks", noun = "risk"},
  {option = "vendor", list = "vendors", noun = "vendor"},
  {option = "evidence", list = "evidence", noun = "evidence record"},
  {option = "system", list = "systems", noun = "system"},
}

local function skipped(obj)
  if obj.kind == "document" then
    return obj.status == "retired" or obj.readme == true
  end
  return obj.kind == "control" and obj.status == "not-applicable"
end

-- Empty text and empty lists count as missing: 'owner: ""' names no one.
local function present(obj, field)
  local v = obj[field]
  if type(v) == "string" then return v:match("%S") ~= nil end
  if type(v) == "table" then return next(v) ~= nil end
  if v ~= nil then return true end
  return type(obj.unreadable) == "table" and obj.unreadable[field] ~= nil
end

local function quoted_list(fields)
  local q = {}
  for i, f in ipairs(fields) do q[i] = "'" .. f .. "'" end
  if #q == 1 then return q[1] end
  return table.concat(q, ", ", 1, #q - 1) .. " and " .. q[#q]
end

local function describe(obj, noun)
  if type(obj.id) == "string" and obj.id ~= "" then
    return ("%s '%s'"):format(noun, obj.id)
  end
  return noun .. " without an id"
end

local function where_to_add(obj, n)
  local them = n == 1 and "it" or "them"
  if obj.kind == "document" and obj.front_matter == "none" then
    return "add a front matter block with " .. them
  end
  return ("add %s to its %s"):format(them,
    obj.kind == "document" and "front matter" or "entry")
end

-- The configured field list for a kind: options.control or
-- options.controls, a list of field names (or a single name).
local function fields_for(options, kind)
  local v = options[kind.option]
  if v == nil then v = options[kind.list] end
  if type(v) == "string" then return {v} end
  if type(v) ~= "table" then return {} end
  local out = {}
  for _, f in ipairs(v) do
    if type(f) == "string" then out[#out + 1] = f end
  end
  return out
end

local function check_kind(repo, ctx, kind)
  local fields = fields_for(ctx.options or {}, kind)
  if #fields == 0 then return end
  for _, obj in ipairs(repo[kind.list] or {}) do
    if not skipped(obj) then
      local missing = {}
      for _, f in ipairs(fields) do
        if not present(obj, f) then missing[#missing + 1] = f end
      end
      if #missing > 0 then
        ctx.report{
          at = obj,
          message = ("%s is missing %s; %s"):format(
            describe(obj, kind.noun), quoted_list(missing),
            where_to_add(obj, #missing)),
          subject = ("%s:%s:%s"):format(kind.option,
            tostring(obj.id or obj.path), table.concat(missing, ",")),
        }
      end
    end
  end
end

return {
  id = "required-fields",
  severity = "warning",
  summary = "a control, document or risk lacks a required field such as "
    .. "its owner",
  frameworks = {},
  options = {
    control = {"owner", "frequency"},
    document = {"owner"},
    risk = {"owner", "treatment"},
    vendor = {},
    evidence = {},
    system = {},
  },

  check = function(repo, ctx)
    for _, kind in ipairs(kinds) do check_kind(repo, ctx, kind) end
  end,
}
