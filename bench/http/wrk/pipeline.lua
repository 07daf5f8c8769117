-- 16 GET requests per write (HTTP pipelining), as wrk's own pipeline example.
init = function(args)
  local r = {}
  for i = 1, 16 do r[i] = wrk.format(nil, wrk.path) end
  req = table.concat(r)
end
request = function() return req end
dofile(os.getenv("WRK_REPORT"))
