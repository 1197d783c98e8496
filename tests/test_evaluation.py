"""The scorer's numbers, checked by hand, and against seqeval on BIO sequences."""

from __future__ import annotations

import copy

import pytest
from seqeval.metrics import classification_report

from warta.corpus import bio_sentences, read_documents
from warta.evaluation import evaluate, flatten, format_report
from warta.schema import Argument, Document, Entity, Event, Relation, Span


def _gold():
    text = "Kepala BP2MI Benny Wiratama mengatakan 613 pekerja migran diselamatkan di Jakarta."
    return Document(
        id="g1",
        text=text,
        entities=[
            Entity("T1", "ROLE", 0, 6, "Kepala"),
            Entity("T2", "ORG", 7, 12, "BP2MI"),
            Entity("T3", "PER", 13, 27, "Benny Wiratama"),
            Entity("T4", "QTY", 39, 57, "613 pekerja migran"),
            Entity("T5", "LOC", 74, 81, "Jakarta"),
        ],
        relations=[Relation("T3", "T1", "HAS_ROLE"), Relation("T1", "T2", "ROLE_OF")],
        events=[
            Event("E1", "STATEMENT", Span(28, 38, "mengatakan"), [Argument("agent", "T3")]),
            Event("E2", "RESCUE", Span(58, 70, "diselamatkan"), [Argument("patient", "T4"), Argument("place", "T5")]),
        ],
    )


def test_identical_prediction_scores_one():
    gold = [_gold()]
    flat = flatten(evaluate(gold, copy.deepcopy(gold)))
    for key in ("entities.micro.f1", "relations.micro.f1", "events.trigger.f1", "events.argument.f1",
                "entities.per_label.LOC.f1", "relations.per_label.ROLE_OF.f1"):
        assert flat[key] == 1.0, key


def test_empty_prediction_scores_zero_recall():
    gold = [_gold()]
    report = evaluate(gold, [])
    assert report["entities"]["micro"]["recall"] == 0.0
    assert report["entities"]["micro"]["fn"] == 5
    assert report["relations"]["micro"]["recall"] == 0.0
    assert report["events"]["argument"]["fn"] == 3


def test_hand_computed_numbers():
    gold = _gold()
    pred = copy.deepcopy(gold)
    # entities: drop LOC (fn), change QTY span (fp + fn), add a wrong ORG (fp)
    pred.entities = [e for e in pred.entities if e.label != "LOC"]
    pred.entities[3] = Entity("T4", "QTY", 39, 42, "613")
    pred.entities.append(Entity("T9", "ORG", 74, 81, "Jakarta"))
    # relations: keep HAS_ROLE, flip ROLE_OF direction (fp + fn)
    pred.relations = [Relation("T3", "T1", "HAS_ROLE"), Relation("T2", "T1", "ROLE_OF")]
    # events: right STATEMENT, RESCUE typed as PLACEMENT, its place argument as ORG Jakarta
    pred.events = [
        Event("E1", "STATEMENT", Span(28, 38, "mengatakan"), [Argument("agent", "T3")]),
        Event("E2", "PLACEMENT", Span(58, 70, "diselamatkan"), [Argument("patient", "T4")]),
    ]
    r = evaluate([gold], [pred])
    ent = r["entities"]
    # gold 5, pred 5, tp = ROLE, ORG, PER = 3
    assert (ent["micro"]["tp"], ent["micro"]["fp"], ent["micro"]["fn"]) == (3, 2, 2)
    assert ent["micro"]["precision"] == pytest.approx(0.6)
    assert ent["micro"]["f1"] == pytest.approx(0.6)
    assert ent["per_label"]["ORG"]["precision"] == pytest.approx(0.5)
    assert ent["per_label"]["ORG"]["recall"] == 1.0
    assert ent["per_label"]["LOC"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "fp": 0, "fn": 1, "support": 1}
    # macro over ROLE, ORG, PER, QTY, LOC: f1 = (1 + 2/3 + 1 + 0 + 0) / 5
    assert ent["macro"]["f1"] == pytest.approx((1 + 2 / 3 + 1) / 5)
    rel = r["relations"]["micro"]
    assert (rel["tp"], rel["fp"], rel["fn"]) == (1, 1, 1)
    trig = r["events"]["trigger"]
    assert (trig["tp"], trig["fp"], trig["fn"]) == (1, 1, 1)
    arg = r["events"]["argument"]
    # gold args: STATEMENT/agent/Benny, RESCUE/patient/613..., RESCUE/place/Jakarta
    # pred args: STATEMENT/agent/Benny, PLACEMENT/patient/613 (wrong type and span)
    assert (arg["tp"], arg["fp"], arg["fn"]) == (1, 1, 2)
    assert r["events"]["argument_per_role"]["agent"]["f1"] == 1.0


def test_label_restriction_and_map():
    gold = _gold()
    gold.entities = [Entity(e.id, {"PER": "PERSON"}.get(e.label, e.label), e.start, e.end, e.text) for e in gold.entities]
    pred = _gold()
    r = evaluate([gold], [pred], labels={"PER", "ORG", "LOC"}, label_map={"PERSON": "PER"})
    assert set(r["entities"]["per_label"]) == {"PER", "ORG", "LOC"}
    assert r["entities"]["micro"]["f1"] == 1.0
    assert r["entities"]["micro"]["support"] == 3


def test_predictions_over_spans_outside_the_schema_are_not_counted():
    gold = Document(id="s1", text="makan rendang di padang bersama joko", entities=[
        Entity("T1", "LOC", 17, 23, "padang"), Entity("T2", "PER", 32, 36, "joko")],
        meta={"unknown": [{"start": 6, "end": 13, "label": "FNB"}]})
    pred = Document(id="s1", text=gold.text, entities=[
        Entity("T1", "ORG", 6, 13, "rendang"),  # over the food span: neither right nor wrong
        Entity("T2", "LOC", 17, 23, "padang"),
        Entity("T3", "PER", 32, 36, "joko"),
    ])
    micro = evaluate([gold], [pred])["entities"]["micro"]
    assert (micro["tp"], micro["fp"], micro["fn"]) == (2, 0, 0)
    # without the mark the same prediction is a false positive
    plain = Document(id="s1", text=gold.text, entities=gold.entities)
    assert evaluate([plain], [pred])["entities"]["micro"]["fp"] == 1


def test_duplicates_count_as_multisets():
    gold = _gold()
    pred = copy.deepcopy(gold)
    pred.entities.append(Entity("T9", "LOC", 74, 81, "Jakarta"))
    r = evaluate([gold], [pred])
    assert r["entities"]["per_label"]["LOC"]["fp"] == 1


@pytest.mark.parametrize(
    "pred_change, message",
    [
        (lambda p: setattr(p, "id", "other"), "not in the gold set: other"),
        (lambda p: setattr(p, "text", p.text + " "), "predicted text differs"),
    ],
)
def test_mismatched_predictions_raise(pred_change, message):
    gold = _gold()
    pred = copy.deepcopy(gold)
    pred_change(pred)
    with pytest.raises(ValueError, match=message):
        evaluate([gold], [pred])


def test_report_table_mentions_labels():
    text = format_report(evaluate([_gold()], [_gold()]))
    assert "entities" in text and "QTY" in text and "RESCUE" in text and "100.0" in text


def _seqeval_vs_ours(gold_docs, pred_docs):
    # one sequence per document: sentence merging may differ between gold and prediction
    y_true = [[t for _, tags in bio_sentences(d) for t in tags] for d in gold_docs]
    y_pred = [[t for _, tags in bio_sentences(d) for t in tags] for d in pred_docs]
    rep = classification_report(y_true, y_pred, output_dict=True, zero_division=0)
    ours = evaluate(gold_docs, pred_docs)["entities"]
    return rep, ours


def test_seqeval_agrees_on_a_noisy_prediction(example_docs):
    pred = copy.deepcopy(example_docs)
    # shift one span by a token, drop one, relabel one
    d = pred[0]
    d.entities = [e for e in d.entities if e.text != "Malaysia"]
    for e in d.entities:
        if e.text == "Riau":
            e.label = "ORG"
        if e.text == "Fajar Wicaksono":
            e.end, e.text = e.start + 5, "Fajar"
    rep, ours = _seqeval_vs_ours(example_docs, pred)
    assert rep["micro avg"]["f1-score"] == pytest.approx(ours["micro"]["f1"])
    assert rep["micro avg"]["precision"] == pytest.approx(ours["micro"]["precision"])
    for label, m in ours["per_label"].items():
        assert rep[label]["recall"] == pytest.approx(m["recall"]), label
        assert rep[label]["precision"] == pytest.approx(m["precision"]), label


def test_nergrit_valid_self_score_and_seqeval(shared_dir):
    path = shared_dir / "datasets" / "nergrit" / "valid.txt"
    docs = list(read_documents(path, label_map="nergrit"))
    assert len(docs) == 209
    report = evaluate(docs, copy.deepcopy(docs))
    assert report["entities"]["micro"]["f1"] == 1.0
    # a degraded prediction: drop every third entity
    pred = copy.deepcopy(docs)
    k = 0
    for d in pred:
        keep = []
        for e in d.entities:
            k += 1
            if k % 3:
                keep.append(e)
        d.entities = keep
    rep, ours = _seqeval_vs_ours(docs, pred)
    assert ours["micro"]["recall"] < 0.7
    assert rep["micro avg"]["recall"] == pytest.approx(ours["micro"]["recall"])
    assert rep["micro avg"]["f1-score"] == pytest.approx(ours["micro"]["f1"])
