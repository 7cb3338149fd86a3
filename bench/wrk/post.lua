-- wrk script: POST /v1/payments with a new Idempotency-Key and a new phone number per request.
-- Arguments: <api key> <key prefix> <phone offset>. Numbers end in 04: FeexPay keeps them pending.
local token, prefix, offset
local n = 0
function init(args)
  token, prefix, offset = args[1], args[2], tonumber(args[3])
end
function request()
  n = n + 1
  local phone = string.format("22901%06d04", (offset + n) % 1000000)
  local body = '{"amount":1500,"currency":"XOF","network":"mtn","phone_number":"' .. phone .. '","description":"Bench order"}'
  return wrk.format("POST", "/v1/payments", {
    ["authorization"] = "Bearer " .. token,
    ["content-type"] = "application/json",
    ["idempotency-key"] = prefix .. "-" .. n,
  }, body)
end
