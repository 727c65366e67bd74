"""A real lab server on 127.0.0.1 for the tests, and a small HTTP client that can send any header."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from typing import Any, Iterator

import pytest

from autodiff.lab.server import LabServer


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        assert self.headers["content-type"].startswith("application/json"), self.headers
        return json.loads(self.body.decode("utf-8"))


class Client:
    def __init__(self, server: LabServer) -> None:
        self.server = server
        self.port = server.port
        self.token = server.token

    def request(self, method: str, path: str, body: bytes | str | dict | None = None, *, token: bool | str = True,
                headers: dict[str, str] | None = None, content_type: str | None = "application/json") -> Answer:
        h = {"Host": f"127.0.0.1:{self.port}"}
        if token is True:
            h["X-Lab-Token"] = self.token
        elif isinstance(token, str):
            h["X-Lab-Token"] = token
        data: bytes | None = None
        if body is not None:
            data = json.dumps(body).encode() if isinstance(body, dict) else body.encode() if isinstance(body, str) else body
            if content_type is not None:
                h["Content-Type"] = content_type
        h.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            for k, v in h.items():
                conn.putheader(k, v)
            if data is not None:
                conn.putheader("Content-Length", str(len(data)))
            conn.endheaders()
            if data is not None:
                conn.send(data)
            r = conn.getresponse()
            return Answer(r.status, {k.lower(): v for k, v in r.getheaders()}, r.read())
        finally:
            conn.close()

    def get(self, path: str, **kw: Any) -> Answer:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any, **kw: Any) -> Answer:
        return self.request("POST", path, body, **kw)


@pytest.fixture(scope="module")
def server() -> Iterator[LabServer]:
    lab = LabServer().start()
    yield lab
    lab.close()


@pytest.fixture(scope="module")
def client(server: LabServer) -> Client:
    return Client(server)
