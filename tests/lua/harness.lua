-- harness: what the Lua library tests share. It serves the library in
-- core/lua/ as auditlint.* (as the sandbox does for rules) and counts
-- checks, closing with the line 'NAME: N passed, M failed'.
--
--   local tests = require("harness").new("date")
--   tests.check("a name", got, want)
--   tests.done()        -- prints the summary and exits non-zero on failure

local here = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."
package.path = here .. "/../../core/lua/?.lua;" .. package.path
table.insert(package.searchers, 2, function(name)
  local m = name:match("^auditlint%.(.+)$")
  if m then return function() return require(m) end end
end)

local M = {}

function M.new(name)
  local t = {passed = 0, failed = 0}

  function t.check(what, got, want)
    if got == want then
      t.passed = t.passed + 1
    else
      t.failed = t.failed + 1
      print(("FAIL %s: got %s, want %s"):format(what, tostring(got),
                                                 tostring(want)))
    end
  end

  function t.done()
    print(("%s: %d passed, %d failed"):format(name, t.passed, t.failed))
    os.exit(t.failed == 0 and 0 or 1)
  end

  return t
end

return M
