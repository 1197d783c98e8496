"""`warta.render`: well-formed self-contained HTML, exact offsets, escaping, legend, relations, events table."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from test_server import ARTICLE, DATE, ENTITIES, article_document  # noqa: F401

import warta
from warta.pipeline import records_of
from warta.render import COLOURS, LABEL_NAMES, contrast_ratio, format_value, render
from warta.schema import ENTITY_LABELS, Argument, Document, Entity, Event, Relation, Span

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: "Node | None") -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def find_all(self, tag: str, cls: str | None = None) -> list["Node"]:
        return [n for n in self.iter() if n.tag == tag and (cls is None or cls in (n.attrs.get("class") or "").split())]

    def ancestor(self, tag: str, cls: str | None = None) -> "Node | None":
        n = self.parent
        while n is not None and not (n.tag == tag and (cls is None or cls in (n.attrs.get("class") or "").split())):
            n = n.parent
        return n


class Tree(HTMLParser):
    """A strict parser: every non-void element must be closed, in order."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.cur = self.root
        self.doctype = None
        self.feed(markup)
        self.close()
        assert self.cur is self.root, f"unclosed <{self.cur.tag}>"

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, dict(attrs), self.cur))

    def handle_endtag(self, tag):
        assert tag not in VOID, f"</{tag}>"
        assert self.cur.tag == tag, f"</{tag}> closes <{self.cur.tag}>"
        self.cur = self.cur.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def marks(tree: Tree) -> list[Node]:
    return tree.root.find_all("mark", "ent")


@pytest.fixture()
def doc():
    return article_document(ARTICLE, DATE, doc_id="artikel-1")


def test_page_is_well_formed_and_self_contained(doc):
    page = render(doc)
    tree = Tree(page)
    assert tree.doctype and tree.doctype.lower() == "doctype html"
    html = tree.root.find_all("html")[0]
    assert html.attrs["lang"] == "id"
    assert tree.root.find_all("meta")[0].attrs["charset"] == "utf-8"
    assert len(tree.root.find_all("style")) == 1
    # nothing to fetch, nothing to run
    assert not tree.root.find_all("script") and not tree.root.find_all("link") and not tree.root.find_all("img")
    assert not re.search(r"https?://|\bsrc=|url\(|@import", page)


def test_fragment(doc):
    frag = render(doc, full_page=False)
    tree = Tree(frag)
    top = [c for c in tree.root.children if isinstance(c, Node)]
    assert len(top) == 1 and top[0].tag == "div" and top[0].attrs["class"] == "warta"
    assert top[0].find_all("style") and not tree.root.find_all("html")


def test_entity_marks_have_exact_offsets(doc):
    tree = Tree(render(doc))
    ms = marks(tree)
    assert len(ms) == len(doc.entities) == len(ENTITIES)
    for m, ent in zip(ms, doc.entities, strict=True):
        start, end = int(m.attrs["data-start"]), int(m.attrs["data-end"])
        assert (start, end) == (ent.start, ent.end)
        assert m.text() == ARTICLE[start:end] == ent.text
        assert m.attrs["data-label"] == ent.label and m.attrs["data-id"] == ent.id
        assert m.attrs["class"].split() == ["ent", f"ent-{ent.label}"]
    # a normalised value and the confidence are in the tooltip
    date_mark = next(m for m in ms if m.attrs["data-label"] == "DATE")
    assert "2024-05-16" in date_mark.attrs["title"] and "0.91" in date_mark.attrs["title"]


def test_sentences_rebuild_the_text(doc):
    tree = Tree(render(doc))
    sentences = tree.root.find_all("div", "sentence")
    assert len(sentences) == 3
    for s in sentences:
        start, end = int(s.attrs["data-start"]), int(s.attrs["data-end"])
        p = s.find_all("p", "text")[0]
        assert p.text() == ARTICLE[start:end]
    # triggers are marked too, with their offsets
    triggers = tree.root.find_all("span", "trigger")
    assert [(t.attrs["data-type"], t.text()) for t in triggers] == [
        ("RESCUE", "menggagalkan"), ("STATEMENT", "mengatakan"), ("LEGAL_ACTION", "diserahkan")]
    for t in triggers:
        assert ARTICLE[int(t.attrs["data-start"]):int(t.attrs["data-end"])] == t.text()


def test_legend_and_colours(doc):
    tree = Tree(render(doc))
    legend = tree.root.find_all("ul", "legend")
    assert len(legend) == 1
    items = legend[0].find_all("li")
    assert [li.attrs["data-label"] for li in items] == list(ENTITY_LABELS)
    counts = {li.attrs["data-label"]: int(re.search(r"\((\d+)\)", li.text()).group(1)) for li in items}
    assert counts == {"PER": 1, "ROLE": 1, "ORG": 4, "LOC": 3, "LAW": 1, "QTY": 1, "DATE": 1}
    for li in items:
        assert LABEL_NAMES[li.attrs["data-label"]] in li.text()
    # WCAG: at least 7:1 (AAA) for text on every label colour, and every label has its own colour
    assert set(COLOURS) == set(ENTITY_LABELS)
    for label, (bg, fg) in COLOURS.items():
        assert contrast_ratio(fg, bg) >= 7.0, label
    assert len({bg for bg, _ in COLOURS.values()}) == len(COLOURS)
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_relations_under_their_sentence(doc):
    tree = Tree(render(doc))
    found = []
    for s in tree.root.find_all("div", "sentence"):
        start, end = int(s.attrs["data-start"]), int(s.attrs["data-end"])
        for li in s.find_all("li"):
            h0, h1 = map(int, li.attrs["data-head"].split("-"))
            t0, t1 = map(int, li.attrs["data-tail"].split("-"))
            assert start <= h0 < h1 <= end and start <= t0 < t1 <= end
            found.append((ARTICLE[h0:h1], li.attrs["data-label"], ARTICLE[t0:t1]))
            assert li.attrs["data-label"] in li.text()
    # in reading order of their heads
    assert found == [("BP2MI", "ALIAS", "Badan Pelindungan Pekerja Migran Indonesia"),
                     ("Kepala", "ROLE_OF", "BP2MI"), ("Yudha Pratama", "HAS_ROLE", "Kepala")]


def test_events_table(doc):
    tree = Tree(render(doc))
    table = tree.root.find_all("table", "events")[0]
    heads = [th.text() for th in table.find_all("th")]
    assert heads[:3] == ["#", "Type", "Trigger"] and heads[-1] == "Confidence"
    rows = table.find_all("tr", "event")
    assert [r.attrs["data-type"] for r in rows] == ["RESCUE", "STATEMENT", "LEGAL_ACTION"]
    rescue = rows[0]
    assert rescue.find_all("td", "trigger-text")[0].text() == "menggagalkan"
    assert rescue.find_all("td", "confidence")[0].text() == "0.95"
    args = {li.attrs["data-role"]: li for li in rescue.find_all("li", "arg")}
    assert set(args) == {"agent", "patient", "place", "time"}
    assert "2024-05-16" in args["time"].text()            # the normalised date
    assert "46 calon pekerja migran" in args["patient"].text() and "(0.80)" in args["patient"].text()
    for li in args.values():
        a0, a1 = int(li.attrs["data-start"]), int(li.attrs["data-end"])
        assert ARTICLE[a0:a1] in li.text()
    law = {li.attrs["data-role"]: li for li in rows[2].find_all("li", "arg")}["law"]
    assert "UU 18/2017" in law.text()                      # canonical law citation
    statement = rows[1].text()
    assert "Yudha Pratama" in statement and "Kepala" in statement  # the official involved, with the office
    officials = tree.root.find_all("table", "officials")[0]
    assert "Yudha Pratama" in officials.text()


def test_text_is_escaped():
    text = ('<script>alert("x")</script> Kepala BP2MI Yudha Pratama mengatakan <img src=x onerror=alert(1)> '
            "& 5 < 6 \"kutipan\" 'tunggal'.")
    doc = article_document(text, None, doc_id='"><script>alert(2)</script>')
    assert any(e.label == "PER" for e in doc.entities)
    page = render(doc)
    tree = Tree(page)
    assert not tree.root.find_all("script") and not tree.root.find_all("img")
    assert "<script>" not in page.split("</style>", 1)[1]
    sentence = tree.root.find_all("p", "text")[0]
    assert sentence.text() == text
    for m in marks(tree):
        assert m.text() == text[int(m.attrs["data-start"]):int(m.attrs["data-end"])]
    assert tree.root.find_all("section")[0].attrs["data-id"] == '"><script>alert(2)</script>'


def test_records_view(doc):
    records = records_of(doc)
    page = render(records)
    tree = Tree(page)
    ms = marks(tree)
    arg_spans = {(a.start, a.end) for r in records for args in r.arguments.values() for a in args}
    assert {(int(m.attrs["data-start"]), int(m.attrs["data-end"])) for m in ms} == arg_spans
    for m in ms:
        assert m.text() == ARTICLE[int(m.attrs["data-start"]):int(m.attrs["data-end"])]
    assert len(tree.root.find_all("tr", "event")) == 3
    assert "render the Document" in page
    # the plain-dict form (what the server and `warta extract` print) gives the same page
    assert render([json.loads(json.dumps(r.to_dict())) for r in records]) == page
    assert render(records[0]) == render([records[0]]) == render(records[0].to_dict())


def test_other_inputs(doc):
    assert render(doc.to_dict()) == render(doc)
    two = render([doc, article_document("Kepala BP2MI Yudha Pratama mengatakan hal itu.", None, "b")])
    tree = Tree(two)
    sections = tree.root.find_all("section", "document")
    assert [s.attrs["data-id"] for s in sections] == ["artikel-1", "b"]
    assert [s.find_all("h2")[0].text() for s in sections] == ["Document artikel-1", "Document b"]
    assert len(tree.root.find_all("style")) == 1
    empty = Tree(render(Document("e", "")))
    assert not marks(empty) and empty.root.find_all("p", "events-empty")
    assert Tree(render([])).root.find_all("p", "events-empty")
    with pytest.raises(TypeError, match="warta.extract"):
        render("teks berita")
    with pytest.raises(TypeError):
        render(42)
    with pytest.raises(TypeError):
        render([1, 2])


def test_invalid_documents_still_render():
    text = "Kepala BP2MI Yudha Pratama mengatakan."
    bad = Document("x", text, entities=[
        Entity("T1", "ROLE", 0, 12, "Kepala BP2MI"), Entity("T2", "ORG", 7, 12, "BP2MI"),   # overlap
        Entity("T3", "PER", 13, 26, "Yudha Pratama"), Entity("T4", "ODD", 27, 37, "mengatakan"),
        Entity("T5", "LOC", 30, 99, "out of range")],
        relations=[Relation("T3", "T9", "HAS_ROLE")],
        events=[Event("E1", "STATEMENT", Span(27, 37, "mengatakan"), [Argument("agent", "T3"), Argument("agent", "T9")])])
    tree = Tree(render(bad))
    ms = marks(tree)
    assert [m.attrs["data-id"] for m in ms] == ["T1", "T3", "T4"]  # no nesting, nothing out of range
    assert ms[2].attrs["class"] == "ent ent-OTHER"
    assert [li.attrs["data-role"] for li in tree.root.find_all("li", "arg")] == ["agent"]


def test_format_value():
    assert format_value(None) == ""
    assert format_value({"value": "2024-05-16", "granularity": "day"}) == "2024-05-16"
    assert format_value({"value": {"start": "2024-01", "end": "2024-03"}, "granularity": "month"}) == "2024-01 – 2024-03"
    assert format_value({"value": 4500000000, "approximate": False, "unit": None, "currency": "IDR",
                         "percent": False}) == "IDR 4\u202f500\u202f000\u202f000"
    assert format_value({"value": 20, "approximate": True, "unit": None, "currency": None, "percent": True}) == "≈ 20 %"
    assert format_value({"value": {"min": 10, "max": 20}, "approximate": False, "unit": "orang", "currency": None,
                         "percent": False}) == "10–20 orang"
    assert format_value({"canonical": "UU 18/2017", "type": "UU"}) == "UU 18/2017"
    from warta.render import _official_text

    assert _official_text({"name": "A", "offices": [], "organization": "BP2MI"}) == "A (BP2MI)"
    assert _official_text({"name": "A", "offices": ["Kepala"], "organization": None}) == "A (Kepala)"
    assert _official_text({"name": "A", "offices": [], "organization": None}) == "A"


def test_exported():
    assert warta.render is render and "render" in warta.__all__


# --------------------------------------------------------------------------- `warta extract --html`


def test_cli_extract_html(tmp_path, model_dir):
    from typer.testing import CliRunner

    from warta.cli import app

    src = tmp_path / "articles"
    src.mkdir()
    (src / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (src / "b.txt").write_text("<b>Kepala</b> BP2MI Yudha Pratama mengatakan hal itu.", encoding="utf-8")
    out, page = tmp_path / "out.jsonl", tmp_path / "view.html"
    res = CliRunner().invoke(app, ["extract", str(src), "-o", str(out), "--model", str(model_dir),
                                   "--html", str(page), "--quiet"])
    assert res.exit_code == 0, res.output
    assert len(out.read_text().splitlines()) == 2
    tree = Tree(page.read_text(encoding="utf-8"))
    sections = tree.root.find_all("section", "document")
    assert [s.attrs["data-id"] for s in sections] == ["a.txt", "b.txt"]
    texts = {"a.txt": ARTICLE, "b.txt": "<b>Kepala</b> BP2MI Yudha Pratama mengatakan hal itu."}
    for s in sections:
        text = texts[s.attrs["data-id"]]
        assert "".join(p.text() for p in s.find_all("p", "text")).replace(" ", "") == text.replace(" ", "")
        for m in s.find_all("mark", "ent"):
            assert m.text() == text[int(m.attrs["data-start"]):int(m.attrs["data-end"])]
    assert not tree.root.find_all("b")
