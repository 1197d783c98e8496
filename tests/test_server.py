"""`warta serve`: the page, POST /extract, its limits and errors, loopback binding, the CLI command.

Most tests use `FakePipeline`, whose output for ARTICLE is written by hand
(known entities, relations and events), so that what the server returns can be
checked exactly; one test runs the real pipeline on the tiny stand-in model.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from warta.normalise import build_officials, normalize_entity
from warta.schema import Argument, Document, Entity, Event, Relation, Span, validate
from warta.server import make_server
from warta.text import split_sentences

# An article written for the tests (invented people, real agencies).
ARTICLE = (
    "JAKARTA - Badan Pelindungan Pekerja Migran Indonesia (BP2MI) menggagalkan keberangkatan "
    "46 calon pekerja migran nonprosedural di Bandara Soekarno-Hatta, Kamis (16/5/2024). "
    "Kepala BP2MI Yudha Pratama mengatakan para calon pekerja itu akan dikirim ke Arab Saudi tanpa dokumen resmi. "
    "Kasus tersebut diserahkan kepada Polda Metro Jaya sesuai Undang-Undang Nomor 18 Tahun 2017."
)
DATE = "2024-05-17"

#: (text, label, id) in reading order
ENTITIES = [
    ("JAKARTA", "LOC", "T1"),
    ("Badan Pelindungan Pekerja Migran Indonesia", "ORG", "T2"),
    ("BP2MI", "ORG", "T3"),
    ("46 calon pekerja migran", "QTY", "T4"),
    ("Bandara Soekarno-Hatta", "LOC", "T5"),
    ("Kamis (16/5/2024)", "DATE", "T6"),
    ("Kepala", "ROLE", "T7"),
    ("BP2MI", "ORG", "T8"),
    ("Yudha Pratama", "PER", "T9"),
    ("Arab Saudi", "LOC", "T10"),
    ("Polda Metro Jaya", "ORG", "T11"),
    ("Undang-Undang Nomor 18 Tahun 2017", "LAW", "T12"),
]
RELATIONS = [("T3", "T2", "ALIAS"), ("T9", "T7", "HAS_ROLE"), ("T7", "T8", "ROLE_OF")]
#: (trigger, type, [(role, entity id)])
EVENTS = [
    ("menggagalkan", "RESCUE", [("agent", "T2"), ("patient", "T4"), ("place", "T5"), ("time", "T6")]),
    ("mengatakan", "STATEMENT", [("agent", "T9")]),
    ("diserahkan", "LEGAL_ACTION", [("place", "T11"), ("law", "T12")]),
]


def article_document(text: str, date: str | None = None, doc_id: str = "doc") -> Document:
    """What a perfect model would return for `text`: the spans of ENTITIES/EVENTS found in it, in order.

    Works on any text: spans that are not there are left out, so for ARTICLE
    the result is the full hand-made annotation.
    """
    doc = Document(doc_id, text, meta={"date": date} if date else {})
    pos = 0
    for surface, label, eid in ENTITIES:
        k = text.find(surface, pos)
        if k < 0:
            continue
        pos = k + len(surface)
        doc.entities.append(Entity(eid, label, k, pos, surface, confidence=0.91))
    ids = {e.id for e in doc.entities}
    doc.relations = [Relation(h, t, lab, confidence=0.88) for h, t, lab in RELATIONS if h in ids and t in ids]
    for n, (trigger, typ, args) in enumerate(EVENTS, 1):
        k = text.find(trigger)
        if k < 0:
            continue
        doc.events.append(Event(f"E{n}", typ, Span(k, k + len(trigger), trigger),
                                [Argument(r, e, confidence=0.8) for r, e in args if e in ids], confidence=0.95))
    for ent in doc.entities:  # what Pipeline._finish adds
        ent.normalized = normalize_entity(ent, ref=doc.date)
    doc.extra["officials"] = [o.to_dict() for o in build_officials(doc)]
    doc.extra["sentences"] = [s.to_dict() for s in split_sentences(text)]
    return doc


class FakePipeline:
    """Stands in for `warta.Pipeline`: `extract(text, date=...)` gives `article_document`."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None]] = []

    def extract(self, text: str, *, date=None) -> Document:
        self.calls.append((text, date))
        return article_document(text, date)


def start(server):
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return thread


@pytest.fixture()
def server():
    srv = make_server(FakePipeline(), port=0, quiet=True)
    start(srv)
    yield srv
    srv.shutdown()
    srv.server_close()


def request(srv, method, path, body=None, headers=None):
    host, port = srv.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
    hdrs = {"Content-Type": "application/json"} if body is not None else {}
    hdrs.update(headers or {})
    conn.request(method, path, body=body, headers=hdrs)
    res = conn.getresponse()
    data = res.read()
    conn.close()
    return res, data


def raw(srv, data: bytes) -> str:
    """Send bytes as they are; the whole reply up to the server's close."""
    with socket.create_connection(srv.server_address[:2], timeout=10) as s:
        s.sendall(data)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode()


def error_of(res, data, status):
    assert res.status == status, data
    assert res.getheader("Content-Type").startswith("application/json")
    err = json.loads(data)["error"]
    assert err["status"] == status and err["message"]
    return err["message"]


def test_article_document_is_valid():
    doc = article_document(ARTICLE, DATE)
    assert validate(doc) == []
    assert [e.text for e in doc.entities] == [t for t, _, _ in ENTITIES]
    assert len(doc.events) == 3 and len(doc.relations) == 3


def test_page(server):
    res, data = request(server, "GET", "/")
    assert res.status == 200 and res.getheader("Content-Type") == "text/html; charset=utf-8"
    page = data.decode()
    for needle in ('<textarea id="text"', '<input type="date" id="date"', '<button id="extract"', 'id="result"'):
        assert needle in page
    # the one inline script runs under the CSP nonce of this response, nothing else may run
    csp = res.getheader("Content-Security-Policy")
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert f'<script nonce="{nonce}">' in page and page.count("<script") == 1
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp
    assert res.getheader("X-Content-Type-Options") == "nosniff"
    res2, data2 = request(server, "GET", "/")
    assert re.search(r"'nonce-([^']+)'", res2.getheader("Content-Security-Policy")).group(1) != nonce
    res, data = request(server, "GET", "/health")
    assert res.status == 200 and json.loads(data) == {"status": "ok"}


def test_extract_returns_records_and_document(server):
    res, data = request(server, "POST", "/extract", {"text": ARTICLE, "date": DATE})
    assert res.status == 200, data
    out = json.loads(data)
    assert set(out) == {"records", "document"}
    doc = out["document"]
    assert doc["text"] == ARTICLE and doc["meta"] == {"date": DATE}
    assert [(e["text"], e["label"]) for e in doc["entities"]] == [(t, lab) for t, lab, _ in ENTITIES]
    for e in doc["entities"]:
        assert ARTICLE[e["start"]:e["end"]] == e["text"]
    assert [r["type"] for r in out["records"]] == ["RESCUE", "STATEMENT", "LEGAL_ACTION"]
    rescue = out["records"][0]
    assert rescue["trigger"]["text"] == "menggagalkan"
    assert rescue["arguments"]["time"][0]["normalized"] == {"value": "2024-05-16", "granularity": "day"}
    assert rescue["arguments"]["patient"][0]["normalized"]["value"] == 46
    assert server.pipeline.calls == [(ARTICLE, DATE)]


def test_extract_with_html_and_datetime(server):
    res, data = request(server, "POST", "/extract",
                        {"text": ARTICLE, "date": "2024-05-17T08:00:00+07:00", "html": True})
    out = json.loads(data)
    assert res.status == 200 and out["document"]["meta"]["date"] == "2024-05-17"
    assert out["html"].startswith('<div class="warta">')
    assert out["html"].count('<mark class="ent ') == len(ENTITIES)
    assert out["html"].count('<tr class="event"') == 3
    # no date at all, and an explicit null
    for body in ({"text": ARTICLE}, {"text": ARTICLE, "date": None}, {"text": ARTICLE, "date": ""}):
        res, data = request(server, "POST", "/extract", body)
        assert res.status == 200 and "meta" not in json.loads(data)["document"]


@pytest.mark.parametrize("body, status, fragment", [
    (b"{not json", 400, "not valid JSON"),
    ("{\"text\": \"caf\xe9\"}".encode("latin-1"), 400, "not UTF-8"),
    ([ARTICLE], 422, "JSON object"),
    ({"teks": ARTICLE}, 422, "unknown key"),
    ({"date": DATE}, 422, "missing 'text'"),
    ({"text": 42}, 422, "'text' must be a string"),
    ({"text": "  \n "}, 422, "'text' is empty"),
    ({"text": ARTICLE, "date": "16/5/2024"}, 422, "ISO date"),
    ({"text": ARTICLE, "date": 20240516}, 422, "ISO date"),
    ({"text": ARTICLE, "html": "yes"}, 422, "'html' must be"),
    (b"[" * 100_000 + b"]" * 100_000, 400, "nested too deeply"),
])
def test_bad_bodies(server, body, status, fragment):
    res, data = request(server, "POST", "/extract", body)
    assert fragment in error_of(res, data, status)
    assert server.pipeline.calls == []


def test_wrong_content_type_routes_and_methods(server):
    res, data = request(server, "POST", "/extract", b"text=halo", {"Content-Type": "application/x-www-form-urlencoded"})
    assert "application/json" in error_of(res, data, 415)
    res, data = request(server, "POST", "/extract", b'{"text": "x"}', {"Content-Type": "application/json; charset=latin-1"})
    error_of(res, data, 415)
    res, data = request(server, "GET", "/nope")
    assert "/nope" in error_of(res, data, 404)
    res, data = request(server, "GET", "/extract")
    error_of(res, data, 405)
    assert res.getheader("Allow") == "POST"
    res, data = request(server, "POST", "/", {"text": ARTICLE})
    error_of(res, data, 405)
    assert res.getheader("Allow") == "GET, HEAD"
    res, data = request(server, "PUT", "/extract", {"text": ARTICLE})
    error_of(res, data, 405)
    res, data = request(server, "HEAD", "/")
    assert res.status == 200 and data == b"" and int(res.getheader("Content-Length")) > 1000


def test_size_limit():
    srv = make_server(FakePipeline(), port=0, max_bytes=2_000, quiet=True)
    start(srv)
    try:
        body = json.dumps({"text": "a" * 1_990}).encode()
        assert len(body) > 2_000
        res, data = request(srv, "POST", "/extract", body)
        assert "limit of 2000 bytes" in error_of(res, data, 413)
        assert res.getheader("Connection") == "close"
        # a huge declared length is refused before any of it is read
        reply = raw(srv, b"POST /extract HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 5000000000\r\n\r\n")
        assert reply.startswith("HTTP/1.1 413") and '"status": 413' in reply
        res, data = request(srv, "POST", "/extract", {"text": ARTICLE})  # just under the limit: fine
        assert res.status == 200
        assert srv.pipeline.calls == [(ARTICLE, None)]
    finally:
        srv.shutdown()
        srv.server_close()


def test_length_required_and_bad_length(server):
    head = b"POST /extract HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    reply = raw(server, head + b"Connection: close\r\n\r\n")
    assert reply.startswith("HTTP/1.1 411") and "Content-Length header is required" in reply
    reply = raw(server, head + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
    assert reply.startswith("HTTP/1.1 411") and "chunked" in reply
    reply = raw(server, head + b"Content-Length: lots\r\n\r\n")
    assert reply.startswith("HTTP/1.1 400") and "bad Content-Length" in reply
    assert server.pipeline.calls == []


def test_slow_body_times_out():
    from warta.server import Handler

    srv = make_server(FakePipeline(), port=0, quiet=True)
    srv.RequestHandlerClass = type("QuickHandler", (Handler,), {"timeout": 0.5})
    start(srv)
    try:
        t0 = time.time()
        reply = raw(srv, b"POST /extract HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 100\r\n\r\n{\"text\": ")
        assert reply.startswith("HTTP/1.1 408") and "did not arrive" in reply
        assert time.time() - t0 < 5
        assert srv.pipeline.calls == []
    finally:
        srv.shutdown()
        srv.server_close()


def test_keep_alive_after_an_error(server):
    conn = http.client.HTTPConnection(*server.server_address[:2], timeout=10)
    conn.request("POST", "/extract", body=b'{"text": 1}', headers={"Content-Type": "application/json"})
    res = conn.getresponse()
    assert res.status == 422
    res.read()
    conn.request("POST", "/extract", body=json.dumps({"text": ARTICLE}), headers={"Content-Type": "application/json"})
    res = conn.getresponse()
    assert res.status == 200 and len(json.loads(res.read())["records"]) == 3
    conn.close()


def test_loopback_by_default_and_host_check(server):
    assert server.server_address[0] == "127.0.0.1"
    assert server.url.startswith("http://127.0.0.1:")
    res, data = request(server, "GET", "/", headers={"Host": "evil.example:8000"})
    assert "not allowed" in error_of(res, data, 403)
    res, data = request(server, "POST", "/extract", {"text": ARTICLE}, {"Host": "attacker.test"})
    error_of(res, data, 403)
    for host in ("localhost:8000", "127.0.0.1", "LOCALHOST"):
        res, _ = request(server, "GET", "/health", headers={"Host": host})
        assert res.status == 200, host
    assert server.pipeline.calls == []


def test_pipeline_error_gives_500(capsys):
    class Broken:
        def extract(self, text, *, date=None):
            raise RuntimeError("boom")

    srv = make_server(Broken(), port=0, quiet=True)
    start(srv)
    try:
        res, data = request(srv, "POST", "/extract", {"text": ARTICLE})
        assert "internal error" in error_of(res, data, 500)
        assert "boom" not in data.decode()  # details go to the log, not to the client
    finally:
        srv.shutdown()
        srv.server_close()
    assert "RuntimeError: boom" in capsys.readouterr().err


def test_cli_serve_help():
    from typer.testing import CliRunner

    from warta.cli import app

    res = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"})
    assert res.exit_code == 0
    out = re.sub(r"\x1b\[[0-9;]*m", "", res.output)
    assert "--host" in out and "127.0.0.1" in out and "--port" in out and "8000" in out
    assert "--max-bytes" in out


def test_cli_serve_without_model(tmp_path):
    from typer.testing import CliRunner

    from warta.cli import app

    res = CliRunner().invoke(app, ["serve", "--model", str(tmp_path / "missing"), "--port", "0"])
    assert res.exit_code == 2
    res = CliRunner().invoke(app, ["serve", "--port", "70000"])
    assert res.exit_code == 2 and "0..65535" in res.output


# --------------------------------------------------------------------------- the real pipeline, tiny model


def test_real_pipeline(model_dir):
    import warta

    srv = make_server(model=str(model_dir), port=0, quiet=True)
    start(srv)
    try:
        res, data = request(srv, "POST", "/extract", {"text": ARTICLE, "date": DATE, "html": True})
        assert res.status == 200, data
        out = json.loads(data)
    finally:
        srv.shutdown()
        srv.server_close()
    expected = warta.extract(ARTICLE, date=DATE, model=model_dir)
    assert out["document"] == json.loads(json.dumps(expected.to_dict()))
    assert out["records"] == json.loads(json.dumps([r.to_dict() for r in warta.extract_events(
        ARTICLE, date=DATE, model=model_dir)]))
    assert out["html"].count('<mark class="ent ') == len(expected.entities)


def test_cli_serve_process(model_dir):
    """`warta serve --port 0` in its own process: prints its URL, answers, stops on SIGTERM."""
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE", PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "warta", "serve", "--port", "0", "--model", str(model_dir),
                             "--quiet"], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env,
                            cwd=Path(__file__).resolve().parent.parent)
    try:
        deadline = time.time() + 120
        url = None
        while time.time() < deadline and url is None:
            line = proc.stderr.readline()
            if not line and proc.poll() is not None:
                break
            m = re.search(r"serving on (http://\S+)", line)
            url = m.group(1) if m else None
        assert url and url.startswith("http://127.0.0.1:"), "server did not start"
        host, port = url[len("http://"):].rstrip("/").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        conn.request("POST", "/extract", body=json.dumps({"text": ARTICLE}), headers={"Content-Type": "application/json"})
        res = conn.getresponse()
        assert res.status == 200 and json.loads(res.read())["document"]["text"] == ARTICLE
        conn.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
