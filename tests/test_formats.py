"""Every corpus format reads into and writes from `Document`; malformed input names file and line."""

from __future__ import annotations

import json

import pytest

from warta.corpus import (
    CorpusFormatError,
    format_inline,
    parse_conll,
    parse_doccano,
    parse_jsonl,
    parse_labelstudio,
    read_documents,
    read_inline,
    write_documents,
)
from warta.schema import validate_all
from warta.text import tokenize


def _content(docs):
    """What a format must keep: entities, relations and events by text and label."""
    out = []
    for d in docs:
        ents = d.entity_by_id()
        out.append((
            sorted((e.label, e.text) for e in d.entities),
            sorted((ents[r.head].text, r.label, ents[r.tail].text) for r in d.relations),
            sorted((ev.type, ev.trigger.text, tuple(sorted((a.role, ents[a.entity].text) for a in ev.arguments)))
                   for ev in d.events),
        ))
    return out


# ----------------------------------------------------------------------------- JSONL


def test_jsonl_round_trip(tmp_path, example_docs):
    path = tmp_path / "x.jsonl"
    write_documents(example_docs, path)
    back = list(read_documents(path))
    assert [d.to_dict() for d in back] == [d.to_dict() for d in example_docs]


@pytest.mark.parametrize(
    "lines, message",
    [
        (['{"id": "a", "text": "x"}', "{not json"], "<t>:2: invalid JSON"),
        (['{"id": "a"}'], "<t>:1: not a warta document: document is missing required key 'text'"),
        (['["a"]'], "<t>:1: not a warta document: a document must be a JSON object"),
        (['{"id": "a", "text": "x", "entities": [{"id": "T1"}]}'], "<t>:1: not a warta document"),
    ],
)
def test_jsonl_errors(lines, message):
    with pytest.raises(CorpusFormatError) as exc:
        list(parse_jsonl(lines, "<t>"))
    assert str(exc.value).startswith(message)


def test_jsonl_blank_lines_are_allowed():
    docs = list(parse_jsonl(["", '{"id": "a", "text": "x"}', "  "], "<t>"))
    assert [d.id for d in docs] == ["a"]


# ---------------------------------------------------------------------------- inline


def test_inline_round_trip(example_docs, tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("".join(format_inline(d) + "\n" for d in example_docs), encoding="utf-8")
    back = list(read_inline(path))
    assert [d.to_dict() for d in back] == [d.to_dict() for d in example_docs]


def test_inline_offsets(example_docs):
    doc = example_docs[0]
    ents = doc.entity_by_id()
    assert doc.text.startswith("PEKANBARU, Warta Riau - Balai Pelayanan")
    assert ents["T3"].text == "Balai Pelayanan Pelindungan Pekerja Migran Indonesia"
    assert doc.meta == {"topic": "migrant", "date": "2023-05-09"}
    assert doc.events[0].type == "RESCUE" and doc.events[0].trigger.text == "menggagalkan"


@pytest.mark.parametrize(
    "body, message",
    [
        ("=== doc: a\n\n[[Budi|PER]] {{kata|STATEMENT|e1}}.\n--- events\ne1 agent=p9\n", "unknown entity id 'p9'"),
        ("=== doc: a\n\n[[Budi|PER|p1]] [[Ani|PER|p1]].\n", "id 'p1' used twice"),
        ("=== doc: a\n\n[[Budi|PER] datang.\n", "malformed markup"),
        ("=== doc: a\n\n[[Budi|PER|p1]] datang.\n--- relations\np1 HAS_ROLE\n", "relation line needs HEAD LABEL TAIL"),
        ("=== doc: a\n\nBudi.\n--- notes\n", "unknown section 'notes'"),
        ("stray text\n=== doc: a\n\nBudi.\n", "text before the first"),
        ("=== doc: a\ntopic migrant\n\nBudi.\n", "expected 'key: value'"),
    ],
)
def test_inline_errors(tmp_path, body, message):
    path = tmp_path / "bad.txt"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=message) as exc:
        list(read_inline(path))
    assert str(exc.value).startswith(f"{path}:")


# ----------------------------------------------------------------------------- CoNLL

CONLL = """Kepala\tO
BP2MI\tB-ORGANIZATION
Benny\tB-PERSON
Wiratama\tI-PERSON
ke\tO
Jawa\tB-LOCATION
Barat\tI-LOCATION
saat\tO
Piala\tB-EVT
Dunia\tI-EVT

Ia\tO
pulang\tO
"""


def test_conll_label_map_and_text():
    docs = list(parse_conll(CONLL.splitlines(True), "x.tsv", label_map="PERSON=PER,LOCATION=LOC,ORGANIZATION=ORG"))
    assert [d.id for d in docs] == ["x-00001", "x-00002"]
    d = docs[0]
    assert d.text == "Kepala BP2MI Benny Wiratama ke Jawa Barat saat Piala Dunia"
    assert [(e.label, e.text) for e in d.entities] == [("ORG", "BP2MI"), ("PER", "Benny Wiratama"), ("LOC", "Jawa Barat")]
    assert "unknown" not in d.meta
    assert validate_all(docs) == []


def test_conll_unknown_labels_marked():
    (d, _) = parse_conll(CONLL.splitlines(True), "x.tsv", label_map="nerui", unknown="mark")
    assert d.meta["unknown"] == [{"start": 47, "end": 58, "label": "EVT"}]
    assert d.text[47:58] == "Piala Dunia"


def test_conll_i_after_o_starts_an_entity_and_label_change_splits():
    lines = ["a\tI-PER\n", "b\tI-PER\n", "c\tI-LOC\n", "d\tO\n"]
    (d,) = parse_conll(lines, "y", label_map="warta")
    assert [(e.label, e.text) for e in d.entities] == [("PER", "a b"), ("LOC", "c")]


@pytest.mark.parametrize(
    "lines, message",
    [
        (["Budi\n"], "y:1: expected 'token<TAB>tag'"),
        (["Budi\tO\n", "datang\tB_\n"], "y:2: tag 'B_' is not O or B-/I-/E-/S-LABEL"),
        (["Budi\tPERSON\n"], "y:1: tag 'PERSON'"),
    ],
)
def test_conll_errors(lines, message):
    with pytest.raises(CorpusFormatError) as exc:
        list(parse_conll(lines, "y"))
    assert str(exc.value).startswith(message)


def test_conll_bad_label_map():
    with pytest.raises(ValueError, match="not a SCHEMA.md label"):
        list(parse_conll(["a\tO\n"], "y", label_map="PERSON=PERSONA"))
    with pytest.raises(ValueError, match="not SOURCE=TARGET"):
        list(parse_conll(["a\tO\n"], "y", label_map="nonsense"))


def test_conll_round_trip_keeps_documents(tmp_path, example_docs):
    path = tmp_path / "x.conll"
    write_documents(example_docs, path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("-DOCSTART-\tex-1\n")
    assert "Fajar\tB-PER\nWicaksono\tI-PER\n" in text
    back = list(read_documents(path, label_map="warta"))
    assert [d.id for d in back] == ["ex-1", "ex-2"]
    def spaced(docs):  # CoNLL keeps tokens, not the white space between them
        return [sorted((lab, " ".join(t.text for t in tokenize(txt))) for lab, txt in c[0]) for c in _content(docs)]

    assert spaced(back) == spaced(example_docs)
    assert ("DATE", "Senin ( 8/5/2023 )") in _content(back)[0][0]
    assert validate_all(back) == []


# --------------------------------------------------------------------------- doccano


def test_doccano_relation_export_with_events():
    line = json.dumps({
        "id": 7, "text": "Budi Santoso mengatakan Kapolres hadir.",
        "entities": [
            {"id": 1, "label": "PER", "start_offset": 0, "end_offset": 12},
            {"id": 2, "label": "STATEMENT", "start_offset": 13, "end_offset": 23},
            {"id": 3, "label": "ROLE", "start_offset": 24, "end_offset": 32},
        ],
        "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "agent"}],
    })
    (d,) = parse_doccano([line], "d.jsonl")
    assert d.id == "7"
    assert [(e.label, e.text) for e in d.entities] == [("PER", "Budi Santoso"), ("ROLE", "Kapolres")]
    (ev,) = d.events
    assert (ev.type, ev.trigger.text, ev.arguments[0].role) == ("STATEMENT", "mengatakan", "agent")
    assert d.entity_by_id()[ev.arguments[0].entity].text == "Budi Santoso"


def test_doccano_label_triples():
    (d,) = parse_doccano(['{"text": "Budi di Jakarta", "label": [[0, 4, "PER"], [8, 15, "LOC"]]}'], "d.jsonl")
    assert [(e.label, e.text) for e in d.entities] == [("PER", "Budi"), ("LOC", "Jakarta")]
    assert d.id == "d-1"


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"label": []}', "d.jsonl:1: a doccano line needs a 'text' string"),
        ('{"text": "ab", "label": [[0, 9, "PER"]]}', "d.jsonl:1: span 'label0' has bad offsets 0-9"),
        ('{"text": "ab", "entities": [{"id": 1}]}', "d.jsonl:1: malformed entity or relation"),
        ('{"text": "ab cd", "entities": [{"id": 1, "label": "PER", "start_offset": 0, "end_offset": 2}],'
         ' "relations": [{"from_id": 1, "to_id": 5, "type": "MEMBER_OF"}]}', "d.jsonl:1: relation refers to unknown span 5"),
    ],
)
def test_doccano_errors(line, message):
    with pytest.raises(CorpusFormatError) as exc:
        list(parse_doccano([line], "d.jsonl"))
    assert str(exc.value).startswith(message)


def test_doccano_round_trip(tmp_path, example_docs):
    path = tmp_path / "x.jsonl"
    write_documents(example_docs, path, "doccano")
    back = list(read_documents(path, "doccano"))
    assert _content(back) == _content(example_docs)
    assert [d.id for d in back] == ["ex-1", "ex-2"]
    assert back[0].meta["date"] == "2023-05-09"


# ---------------------------------------------------------------------- Label Studio


def _ls_task():
    return {
        "id": 12,
        "data": {"text": "Wakil Gubernur Lampung Sri Handayani hadir.", "date": "2021-03-23"},
        "annotations": [
            {"was_cancelled": True, "result": []},
            {"result": [
                {"id": "a", "type": "labels", "value": {"start": 0, "end": 14, "labels": ["ROLE"]}},
                {"id": "b", "type": "labels", "value": {"start": 15, "end": 22, "labels": ["LOC"]}},
                {"id": "c", "type": "labels", "value": {"start": 23, "end": 36, "labels": ["PER"]}},
                {"type": "relation", "from_id": "c", "to_id": "a", "direction": "right", "labels": ["HAS_ROLE"]},
                {"type": "relation", "from_id": "b", "to_id": "a", "direction": "left", "labels": ["ROLE_OF"]},
            ]},
        ],
    }


def test_labelstudio_import():
    (d,) = parse_labelstudio([_ls_task()], "ls.json")
    ents = d.entity_by_id()
    assert d.meta == {"date": "2021-03-23"} and d.id == "12"
    assert sorted((ents[r.head].text, r.label, ents[r.tail].text) for r in d.relations) == [
        ("Sri Handayani", "HAS_ROLE", "Wakil Gubernur"),
        ("Wakil Gubernur", "ROLE_OF", "Lampung"),
    ]
    assert validate_all([d]) == []


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda t: t.pop("data"), "ls.json: task 0: no data.text string"),
        (lambda t: t["annotations"][1]["result"][0]["value"].update(labels=["ROLE", "PER"]), "has 2 labels"),
        (lambda t: t["annotations"][1]["result"].append({"type": "choices"}), "result type 'choices'"),
        (lambda t: t["annotations"][1]["result"][0].pop("value"), "result item lacks 'value'"),
    ],
)
def test_labelstudio_errors(mutate, message):
    task = _ls_task()
    mutate(task)
    with pytest.raises(CorpusFormatError, match=message):
        list(parse_labelstudio([task], "ls.json"))


def test_labelstudio_round_trip(tmp_path, example_docs):
    path = tmp_path / "x.json"
    write_documents(example_docs, path)
    back = list(read_documents(path))
    assert _content(back) == _content(example_docs)


def test_labelstudio_invalid_json_names_line(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('[\n{"data": \n', encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=r"x.json:3: invalid JSON"):
        list(read_documents(path))


def test_failed_write_leaves_no_partial_file(tmp_path, example_docs):
    from warta.schema import Entity

    bad = example_docs[1].__class__.from_dict(example_docs[1].to_dict())
    bad.entities.append(Entity("T99", "PER", 1, 3, "ak"))  # inside a word: cannot be BIO
    path = tmp_path / "out.conll"
    with pytest.raises(ValueError):
        write_documents([example_docs[0], bad], path)
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []
