-- POST /echo with reference 004's JSON document (86 bytes, compact).
wrk.method = "POST"
wrk.body = '{"id":12345,"name":"test_item","active":true,"count":42,"tags":["tag1","tag2","tag3"]}'
wrk.headers["Content-Type"] = "application/json"
dofile(os.getenv("WRK_REPORT"))
