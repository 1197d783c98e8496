"""Schema types round-trip the JSONL layout, and the validator catches every SCHEMA.md rule."""

from __future__ import annotations

import copy

import pytest

from warta.schema import (
    EVENT_ROLES,
    RELATION_RULES,
    Argument,
    Document,
    Entity,
    Event,
    Relation,
    Span,
    validate,
    validate_all,
)


def test_labels_match_schema_md():
    assert set(RELATION_RULES) == {"HAS_ROLE", "ROLE_OF", "MEMBER_OF", "LOCATED_IN", "ALIAS", "QUANTITY_OF"}
    assert len(EVENT_ROLES) == 10
    assert EVENT_ROLES["RESCUE"] == ("agent", "patient", "place", "origin", "destination", "time")
    assert EVENT_ROLES["APPOINTMENT"] == ("agent", "patient", "role", "time")


def test_examples_are_valid(example_docs):
    assert validate_all(example_docs) == []


def test_round_trip(example_docs):
    for doc in example_docs:
        d = doc.to_dict()
        assert Document.from_dict(d).to_dict() == d


def test_extra_keys_survive_round_trip():
    d = {"id": "x", "text": "Budi datang.", "entities": [], "relations": [], "events": [],
         "officials": [{"name": "Budi"}]}
    assert Document.from_dict(d).to_dict()["officials"] == [{"name": "Budi"}]


def test_optional_fields_only_when_set():
    e = Entity("T1", "PER", 0, 4, "Budi")
    assert "confidence" not in e.to_dict()
    e.confidence = 0.9
    assert e.to_dict()["confidence"] == 0.9


def _doc():
    text = "Kepala BP2MI Benny Wiratama mengatakan hal itu di Jakarta."
    return Document(
        id="d1",
        text=text,
        entities=[
            Entity("T1", "ROLE", 0, 6, "Kepala"),
            Entity("T2", "ORG", 7, 12, "BP2MI"),
            Entity("T3", "PER", 13, 27, "Benny Wiratama"),
            Entity("T4", "LOC", 50, 57, "Jakarta"),
        ],
        relations=[Relation("T3", "T1", "HAS_ROLE"), Relation("T1", "T2", "ROLE_OF")],
        events=[Event("E1", "STATEMENT", Span(28, 38, "mengatakan"), [Argument("agent", "T3"), Argument("place", "T4")])],
    )


def _messages(doc):
    return [v.message for v in validate(doc)]


def test_valid_doc_has_no_violation():
    assert validate(_doc()) == []


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda d: setattr(d.entities[0], "text", "Kepal"), "text 'Kepal' != text[0:6]"),
        (lambda d: setattr(d.entities[0], "label", "TITLE"), "unknown label 'TITLE'"),
        (lambda d: setattr(d.entities[1], "start", 8) or setattr(d.entities[1], "text", "P2MI"), "starts inside a word"),
        (lambda d: setattr(d.entities[2], "end", 24) or setattr(d.entities[2], "text", "Benny Wira"), "ends inside a word"),
        (lambda d: d.entities.append(Entity("T9", "PER", 13, 18, "Benny")), "overlaps entity"),
        (lambda d: d.entities.append(Entity("T1", "LOC", 50, 57, "Jakarta")), "duplicate entity id"),
        (lambda d: d.entities.append(Entity("T9", "LOC", 49, 57, " Jakarta")), "white space"),
        (lambda d: d.entities.append(Entity("T9", "LOC", 55, 70, "xx")), "outside text"),
        (lambda d: d.relations.append(Relation("T3", "T2", "ROLE_OF")), "ROLE_OF does not allow PER -> ORG"),
        (lambda d: d.relations.append(Relation("T3", "T2", "WORKS_AT")), "unknown relation label"),
        (lambda d: d.relations.append(Relation("T3", "T7", "MEMBER_OF")), "does not resolve"),
        (lambda d: d.relations.append(Relation("T3", "T1", "HAS_ROLE")), "duplicate relation"),
        (lambda d: d.events[0].arguments.append(Argument("patient", "T2")), "STATEMENT does not use role 'patient'"),
        (lambda d: d.events[0].arguments.append(Argument("time", "T2")), "cannot be filled by ORG"),
        (lambda d: d.events[0].arguments.append(Argument("agent", "T8")), "does not resolve"),
        (lambda d: d.events[0].arguments.append(Argument("boss", "T3")), "unknown role"),
        (lambda d: setattr(d.events[0], "type", "SPEECH"), "unknown event type"),
        (lambda d: setattr(d.events[0], "trigger", Span(7, 12, "BP2MI")), "overlaps entity T2"),
        (lambda d: setattr(d.events[0], "trigger", Span(28, 35, "mengata")), "ends inside a word"),
    ],
)
def test_validator_reports_each_rule(mutate, expected):
    doc = _doc()
    mutate(doc)
    problems = validate(doc)
    assert any(expected in v.message for v in problems), [str(v) for v in problems]
    assert all(v.doc_id == "d1" for v in problems)


def test_relation_across_sentences_is_reported():
    doc = _doc()
    doc.text = doc.text.replace("mengatakan hal itu di Jakarta.", "mengatakan hal itu. Di Jakarta.")
    doc.entities[3] = Entity("T4", "LOC", 51, 58, "Jakarta")
    doc.relations.append(Relation("T1", "T4", "ROLE_OF"))
    msgs = _messages(doc)
    assert any("different sentences" in m for m in msgs)
    assert any("not in the trigger's sentence" in m for m in msgs)
    assert validate(doc, check_sentences=False) == []


def test_violation_names_document_and_item():
    doc = _doc()
    doc.relations.append(Relation("T3", "T2", "ROLE_OF"))
    (v,) = validate(doc)
    assert str(v).startswith("d1: relation 2 T3-ROLE_OF->T2: ")


def test_duplicate_document_ids():
    a = _doc()
    b = copy.deepcopy(a)
    assert any(v.message == "duplicate document id" for v in validate_all([a, b]))


def test_from_dict_rejects_non_objects():
    with pytest.raises(TypeError):
        Document.from_dict(["not", "a", "dict"])
    with pytest.raises(KeyError, match="text"):
        Document.from_dict({"id": "x"})
