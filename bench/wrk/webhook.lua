-- wrk script: FeexPay webhooks for pending payments. Arguments: <webhook path> <file of "id reference" lines>.
local hookPath
local bodies = {}
local i = 0
function init(args)
  hookPath = args[1]
  for line in io.lines(args[2]) do
    local id, ref = line:match("^(%S+) (%S+)$")
    bodies[#bodies + 1] = '{"reference":"' .. ref .. '","status":"SUCCESSFUL","callback_info":"' .. id .. '"}'
  end
end
function request()
  i = i % #bodies + 1
  return wrk.format("POST", hookPath, { ["content-type"] = "application/json" }, bodies[i])
end
