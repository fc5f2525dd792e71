-- control-owner-person: every control is owned by a named person,
-- written as that person's email address. A team name ("IT Team") or a
-- shared mailbox ("security@...") spreads accountability so thin that
-- nobody answers for the control in an audit.
--
-- Options:
--   team_mailboxes  local parts of shared mailboxes ("security", "it")
--   team_words      words that mark a team when they appear in the
--                   local part ("team" in "it-team@")
-- Controls marked not-applicable are skipped; a missing owner is left to
-- required-fields.

local function trim(s)
  return (s:gsub("^%s+", ""):gsub("%s+$", ""))
end

local function set_of(list)
  local set = {}
  for _, v in ipairs(list or {}) do
    if type(v) == "string" then set[v:lower()] = true end
  end
  return set
end

-- The local part of an email address, or nil when s is not one.
local function local_part(s)
  return s:match("^([^%s@<>]+)@[^%s@<>]+%.[^%s@<>]+$")
end

-- Why an owner is not a named person, or nil when it is one.
local function problem(owner, mailboxes, words)
  local lp = local_part(owner)
  if not lp then
    return "is not an email address"
  end
  lp = lp:lower()
  if mailboxes[lp] then
    return "is a shared mailbox"
  end
  for word in lp:gmatch("[^%.%-_+]+") do
    if words[word] then return "is a team mailbox" end
  end
  return nil
end

return {
  id = "control-owner-person",
  severity = "warning",
  summary = "every control is owned by a named person (an email address), "
    .. "not a team or a shared mailbox",
  frameworks = {"soc2", "iso27001"},
  options = {
    team_mailboxes = {"security", "secops", "it", "itops", "helpdesk",
      "engineering", "sre", "devops", "platform", "compliance", "grc",
      "hr", "people", "finance", "legal", "ops", "admin", "support",
      "info"},
    team_words = {"team", "group", "dept", "department", "squad"},
  },

  check = function(repo, ctx)
    local mailboxes = set_of(ctx.options.team_mailboxes)
    local words = set_of(ctx.options.team_words)
    for _, control in ipairs(repo.controls) do
      local owner = control.owner
      if type(owner) == "string" and owner:match("%S")
         and control.status ~= "not-applicable" then
        owner = trim(owner)
        local why = problem(owner, mailboxes, words)
        if why then
          ctx.report{
            at = control, key = "owner",
            message = ("control '%s' is owned by '%s', which %s; name "
              .. "the accountable person by their email address")
              :format(tostring(control.id), owner, why),
            frameworks = {"iso27001:A.5.2", "soc2:CC1.3"},
            subject = tostring(control.id),
          }
        end
      end
    end
  end,
}
