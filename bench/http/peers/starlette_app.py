# Starlette peer, served by uvicorn (run.sh picks the asyncio or uvloop loop).
from starlette.applications import Starlette
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route


async def plaintext(request):
    return PlainTextResponse("Hello, World!")


async def json_route(request):
    return JSONResponse({"message": "Hello, World!"})


async def echo(request):
    return JSONResponse(await request.json())


app = Starlette(routes=[
    Route("/plaintext", plaintext),
    Route("/json", json_route),
    Route("/echo", echo, methods=["POST"]),
])
