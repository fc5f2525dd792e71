-- A custom organisation rule used by the CLI tests.
return {
  id = "owner-person",
  severity = "warning",
  summary = "every control is owned by a named person, not a team",
  frameworks = {"soc2"},
  check = function(repo, ctx)
    for _, c in ipairs(repo.controls) do
      if c.owner and not c.owner:find("@", 1, true) then
        ctx.report{at = c, key = "owner", subject = c.id,
          message = ("control '%s' is owned by '%s', not a person")
            :format(c.id, c.owner)}
      end
    end
  end,
}
