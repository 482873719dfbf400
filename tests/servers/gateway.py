"""A small API with the edge cases replay must handle: credentials of several
kinds (basic, OAuth2 client credentials), an echo of what arrived, redirects
within and beyond the host, answers that ask for a retry, a 500 on a write."""

from __future__ import annotations

import base64
import uuid
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

CLIENT_ID = "replay-client"
CLIENT_SECRET = "client-secret-5678"
ACCESS_TOKEN = "issued-token-abcdef"
BASIC_USER, BASIC_PASSWORD = "ada", "basic-pass-1234"

SPEC = """
openapi: 3.1.0
info: {title: Gateway, version: '1'}
servers:
  - url: http://127.0.0.1:9/api
    x-apikit-env: test
  - url: https://gateway.example/api
    x-apikit-env: production
components:
  securitySchemes:
    basicAuth:
      type: http
      scheme: basic
      x-apikit-secret-env: GATEWAY_BASIC
    oauth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: /api/token
          scopes: {read: read things}
  schemas:
    Echo:
      type: object
      required: [authorization, query]
      properties:
        authorization: {type: string}
        query: {type: string}
    Problem:
      type: object
      required: [title]
      properties: {title: {type: string}}
security:
  - oauth: [read]
paths:
  /echo:
    get:
      operationId: echo
      parameters:
        - {name: q, in: query, schema: {type: string}, example: hello}
      responses:
        '200':
          description: what arrived
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Echo'}
              example: {authorization: 'Bearer x', query: hello}
        '401': {description: no token}
  /basic:
    get:
      operationId: basic
      security: [{basicAuth: []}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object}
              example: {user: ada}
        '401': {description: no credentials}
  /redirect-away:
    get:
      operationId: redirectAway
      security: []
      responses:
        '200': {description: ok}
        '302': {description: moved}
  /redirect-home:
    get:
      operationId: redirectHome
      security: []
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object}
              example: {landed: true}
  /flaky:
    get:
      operationId: flaky
      security: []
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object}
              example: {attempt: 2}
        '503': {description: try again}
  /busy:
    post:
      operationId: busy
      security: []
      responses:
        '201': {description: created}
        '503': {description: try again}
  /elsewhere:
    get:
      operationId: elsewhere
      security: []
      servers: [{url: 'https://files.other.example/api'}]
      responses:
        '200': {description: ok}
  /things:
    post:
      operationId: createThing
      security: []
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties: {name: {type: string}}
            example: {name: widget}
      responses:
        '201':
          description: created
          content:
            application/json:
              schema:
                type: object
                required: [id]
                properties: {id: {type: string}}
              example: {id: abc}
          links:
            GetThing:
              operationId: getThing
              parameters: {thingId: $response.body#/id}
        '422':
          description: invalid
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Problem'}
              example: {title: invalid}
  /things/{thingId}:
    get:
      operationId: getThing
      security: []
      parameters:
        - {name: thingId, in: path, required: true, schema: {type: string}, example: abc}
      responses:
        '200':
          description: the thing
          content:
            application/json:
              schema: {type: object}
              example: {id: abc}
        '404':
          description: no such thing
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Problem'}
              example: {title: not found}
"""


class Gateway:
    def __init__(
        self,
        other_host: str = "",
        *,
        fail_writes: bool = False,
        forget: bool = False,
        open_echo: bool = False,
    ) -> None:
        self.other_host = other_host  # where /redirect-away points
        self.fail_writes = fail_writes  # writes answer 500
        self.forget = forget  # created things cannot be read back
        self.open_echo = open_echo  # /echo answers without credentials
        self.calls: list[tuple[str, str]] = []
        self.token_requests = 0
        self.flaky_attempts = 0
        self.things: set[str] = set()

    def app(self) -> Starlette:
        routes = [
            Route("/api/token", self.token, methods=["POST"]),
            Route("/api/echo", self.echo),
            Route("/api/basic", self.basic),
            Route("/api/redirect-away", self.redirect_away),
            Route("/api/redirect-home", self.redirect_home),
            Route("/api/landing", self.landing),
            Route("/api/flaky", self.flaky),
            Route("/api/busy", self.busy, methods=["POST"]),
            Route("/api/things", self.create_thing, methods=["POST"]),
            Route("/api/things/{thingId}", self.get_thing),
        ]
        app = Starlette(routes=routes)

        async def record(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                self.calls.append((scope["method"], scope["path"]))
            await app(scope, receive, send)

        return record  # type: ignore[return-value]

    async def token(self, request: Request) -> Response:
        self.token_requests += 1
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        form = await request.form()
        if (
            request.headers.get("authorization") != f"Basic {expected}"
            or form.get("grant_type") != "client_credentials"
        ):
            return JSONResponse({"error": "invalid_client"}, 401)
        return JSONResponse({"access_token": ACCESS_TOKEN, "token_type": "bearer"})

    async def echo(self, request: Request) -> Response:
        authorization = request.headers.get("authorization", "")
        if authorization != f"Bearer {ACCESS_TOKEN}" and not self.open_echo:
            return Response(status_code=401)
        return JSONResponse({"authorization": authorization, "query": request.url.query})

    async def basic(self, request: Request) -> Response:
        expected = base64.b64encode(f"{BASIC_USER}:{BASIC_PASSWORD}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return Response(status_code=401)
        return JSONResponse({"user": BASIC_USER})

    async def redirect_away(self, request: Request) -> Response:
        return RedirectResponse(f"{self.other_host}/api/landing", 302)

    async def redirect_home(self, request: Request) -> Response:
        return RedirectResponse("/api/landing", 302)

    async def landing(self, request: Request) -> Response:
        return JSONResponse({"landed": True})

    async def flaky(self, request: Request) -> Response:
        self.flaky_attempts += 1
        if self.flaky_attempts == 1:
            return Response(status_code=503, headers={"Retry-After": "0"})
        return JSONResponse({"attempt": self.flaky_attempts})

    async def busy(self, request: Request) -> Response:
        return Response(status_code=503, headers={"Retry-After": "0"})

    async def create_thing(self, request: Request) -> Response:
        if self.fail_writes:
            return JSONResponse({"title": "boom"}, 500)
        body = await request.json()
        if not isinstance(body, dict) or not isinstance(body.get("name"), str):
            return JSONResponse({"title": "invalid"}, 422)
        thing = str(uuid.uuid4())
        if not self.forget:
            self.things.add(thing)
        return JSONResponse({"id": thing}, 201)

    async def get_thing(self, request: Request) -> Response:
        if request.path_params["thingId"] not in self.things:
            return JSONResponse({"title": "not found"}, 404)
        return JSONResponse({"id": request.path_params["thingId"]})
