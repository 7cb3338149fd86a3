-- wrk script: GET /v1/payments/:id over the ids of a file (one a line). Arguments: <api key> <ids file>.
local token
local ids = {}
local i = 0
function init(args)
  token = args[1]
  for line in io.lines(args[2]) do ids[#ids + 1] = line end
end
function request()
  i = i % #ids + 1
  return wrk.format("GET", "/v1/payments/" .. ids[i], { ["authorization"] = "Bearer " .. token })
end
