"""Training on the tiny stand-in model: the loss falls, saving and loading changes nothing, resume works."""

from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from tiny import build_tiny_backbone  # noqa: E402

from warta.models.extractor import ENTITY_TAGS, Extractor  # noqa: E402
from warta.models.inference import predict_texts  # noqa: E402
from warta.schema import validate_all  # noqa: E402
from warta.training import DataSource, TrainConfig, Trainer, _partial_rows, batch_loss, build_extractor, make_examples  # noqa: E402


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory):
    return build_tiny_backbone(tmp_path_factory.mktemp("tiny") / "bert")


@pytest.fixture(scope="module")
def data_files(tmp_path_factory, example_docs):
    from warta.corpus import write_documents

    d = tmp_path_factory.mktemp("data")
    write_documents(example_docs, d / "train.jsonl")
    (d / "ner.tsv").write_text("Budi\tB-PERSON\nke\tO\nBandung\tB-LOCATION\n\nAni\tB-PERSON\npulang\tO\n",
                               encoding="utf-8")
    return d


def _cfg(tiny_dir, data_files, out, **kw):
    base = dict(output_dir=str(out), backbone=str(tiny_dir), epochs=2, batch_size=2, max_len=64,
                lr_encoder=1e-3, lr_heads=1e-2, dropout=0.0, freeze_embeddings=False, checkpoint_every=1, seed=3,
                train=[DataSource(str(data_files / "train.jsonl")),
                       DataSource(str(data_files / "ner.tsv"), label_map="nerui")],
                dev=[DataSource(str(data_files / "train.jsonl"))])
    base.update(kw)
    return TrainConfig(**base)


def test_partial_labels_allow_unannotated_tags():
    rows = _partial_rows(1, ("PER", "ORG", "LOC"))[0]
    allowed = {ENTITY_TAGS.tags[i] for i in np.flatnonzero(rows)}
    assert allowed == {"O", "B-ROLE", "I-ROLE", "B-LAW", "I-LAW", "B-QTY", "I-QTY", "B-DATE", "I-DATE"}


def test_examples_cover_every_word_and_target(tiny_dir, data_files, example_docs, tmp_path):
    ext = build_extractor(_cfg(tiny_dir, data_files, tmp_path, max_len=512))
    exs = make_examples(example_docs[0], ext)
    assert sum(int(ex.window.owned[i]) for ex in exs for i in range(len(ex.window.owned))) > 50
    # every gold relation and argument is a positive candidate somewhere
    assert sum(int((ex.rel[:, 7] > 0).sum()) for ex in exs) == len(example_docs[0].relations)
    n_args = sum(len(ev.arguments) for ev in example_docs[0].events)
    assert sum(int((ex.arg[:, 7] > 0).sum()) for ex in exs) == n_args
    # a CoNLL sentence: no event targets, partial entity rows
    conll = DataSource(str(data_files / "ner.tsv"), label_map="nerui").read()[0]
    (ex,) = make_examples(conll, ext, annotated=("PER", "ORG", "LOC"), tasks=("entities",))
    assert (ex.trig_target == -100).all() and len(ex.rel) == 0
    assert ex.ent_allowed[1].sum() == 9  # "ke": O or any unannotated B/I


def test_loss_falls(tiny_dir, data_files, example_docs, tmp_path):
    cfg = _cfg(tiny_dir, data_files, tmp_path)
    ext = build_extractor(cfg)
    exs = [e for d in example_docs for e in make_examples(d, ext)]
    opt = torch.optim.AdamW(ext.parameters(), lr=3e-3)
    losses = []
    for _ in range(25):
        loss, parts = batch_loss(ext, exs, cfg.loss_weights)
        assert set(parts) == {"entities", "triggers", "relations", "arguments"}
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(float(loss.detach()))
    assert losses[-1] < 0.5 * losses[0]


def test_train_save_load_resume(tiny_dir, data_files, example_docs, tmp_path):
    out = tmp_path / "run"
    state = Trainer(_cfg(tiny_dir, data_files, out), progress=False, log=lambda m: None).run()
    assert state["epoch"] == 2 and state["finished"]
    model_dir = out / "model"
    info = json.loads((model_dir / "warta.json").read_text())
    assert info["schema_version"] == "1" and info["training_data"][0]["sha256"]
    assert "dev_metrics" in info
    # a directory transformers can load
    from transformers import AutoModel, AutoTokenizer

    assert AutoModel.from_pretrained(model_dir).config.hidden_size == 32
    assert AutoTokenizer.from_pretrained(model_dir).is_fast

    texts = [d.text for d in example_docs]
    a = Extractor.load(model_dir)
    b = Extractor.load(model_dir)
    pa, pb = predict_texts(a, texts), predict_texts(b, texts)
    assert [d.to_dict() for d in pa] == [d.to_dict() for d in pb]
    assert validate_all(pa) == []
    for d in pa:
        for e in d.entities:
            assert 0.0 <= e.confidence <= 1.0

    # resume: extending epochs continues from the checkpoint, not from scratch
    logs = []
    cfg3 = _cfg(tiny_dir, data_files, out, epochs=3)
    state = Trainer(cfg3, progress=False, log=logs.append).run()
    assert any("resumed" in m for m in logs)
    assert [h["epoch"] for h in state["history"]] == [1, 2, 3]

    # a different config refuses to resume into the same directory
    with pytest.raises(RuntimeError, match="different config"):
        Trainer(_cfg(tiny_dir, data_files, out, seed=4), progress=False, log=lambda m: None).run()


def test_interrupted_run_resumes_to_the_same_result(tiny_dir, data_files, tmp_path):
    """Kill after a few steps (simulated), resume, and get the same weights as an uninterrupted run."""
    full = _cfg(tiny_dir, data_files, tmp_path / "full", epochs=1)
    Trainer(full, progress=False, log=lambda m: None).run()

    part = _cfg(tiny_dir, data_files, tmp_path / "part", epochs=1)

    class Stop(Exception):
        pass

    import warta.training as tr

    real = tr.batch_loss
    calls = {"n": 0}

    def flaky(*a, **k):
        calls["n"] += 1
        if calls["n"] == 3:
            raise Stop()
        return real(*a, **k)

    tr.batch_loss = flaky
    try:
        with pytest.raises(Stop):
            Trainer(part, progress=False, log=lambda m: None).run()
    finally:
        tr.batch_loss = real
    Trainer(part, progress=False, log=lambda m: None).run()
    sa = torch.load(tmp_path / "full" / "checkpoint" / "state.pt", weights_only=False)["model"]
    sb = torch.load(tmp_path / "part" / "checkpoint" / "state.pt", weights_only=False)["model"]
    for k in sa:
        assert torch.allclose(sa[k], sb[k], atol=1e-6), k


def test_long_text_is_never_truncated(tiny_dir, data_files, tmp_path):
    ext = build_extractor(_cfg(tiny_dir, data_files, tmp_path))
    sentence = "Kepala BP2MI Benny mengatakan 177 ribu pekerja migran pulang ke Lampung, "
    text = sentence * 40 + "dan selesai."  # one sentence far longer than a 64-subword window
    (doc,) = predict_texts(ext, [text])
    assert validate_all([doc]) == []
    from warta.models.inference import prepare

    prep = prepare(ext, text)
    owned = sorted(w for win in prep.windows for w, o in zip(win.word_index, win.owned) if o)
    assert owned == list(range(len(prep.words.words)))
    assert len(prep.windows) > 5


def test_compact_model_keeps_predictions_close(tiny_dir, data_files, example_docs, tmp_path):
    ext = build_extractor(_cfg(tiny_dir, data_files, tmp_path, freeze_embeddings=True))
    ext.save(tmp_path / "full")
    ext.save(tmp_path / "compact", compact=True)
    names = {p.name for p in (tmp_path / "compact").iterdir()}
    assert "encoder.int8.01.safetensors" in names and "tokenizer.json" not in names
    size = lambda d: sum(p.stat().st_size for p in d.iterdir())  # noqa: E731
    assert size(tmp_path / "compact") < size(tmp_path / "full")
    a, b = Extractor.load(tmp_path / "full"), Extractor.load(tmp_path / "compact")
    ids = torch.tensor([[2, 40, 41, 42, 3]])
    with torch.no_grad():
        ha = a.encoder(input_ids=ids).last_hidden_state
        hb = b.encoder(input_ids=ids).last_hidden_state
    assert torch.allclose(ha, hb, atol=0.05)
    assert not torch.equal(ha, hb)  # it really is quantised
    texts = [d.text for d in example_docs]
    pa, pb = predict_texts(a, texts), predict_texts(b, texts)
    same = sum(x.label == y.label and x.start == y.start for x, y in zip(pa[0].entities, pb[0].entities))
    assert same >= 0.8 * max(len(pa[0].entities), 1)


def test_one_holder_per_office_mention():
    from warta.models.inference import one_per_mention

    # mentions: 0 Chusnunia (PER), 1 Wakil Gubernur (ROLE), 2 Arinal (PER), 3 Gubernur (ROLE), 4 Lampung (LOC)
    found = [(0, 1, "HAS_ROLE", 0.99), (2, 1, "HAS_ROLE", 0.75), (2, 3, "HAS_ROLE", 0.83),
             (1, 4, "ROLE_OF", 0.98), (3, 4, "ROLE_OF", 0.97)]
    kept = one_per_mention(found)
    assert (2, 1, "HAS_ROLE", 0.75) not in kept  # the deputy's office keeps its more likely holder
    assert len(kept) == 4 and kept == [f for f in found if f != (2, 1, "HAS_ROLE", 0.75)]  # order kept


def test_one_per_mention_leaves_unconstrained_relations_alone():
    from warta.models.inference import one_per_mention

    # a person may hold two offices; a figure may count for two places
    found = [(0, 1, "HAS_ROLE", 0.9), (0, 2, "HAS_ROLE", 0.8), (5, 6, "QUANTITY_OF", 0.7), (5, 7, "QUANTITY_OF", 0.6)]
    assert one_per_mention(found) == found
    # a short form names one long form, and a long form has one short form here
    alias = [(3, 4, "ALIAS", 0.6), (3, 8, "ALIAS", 0.9), (9, 8, "ALIAS", 0.5)]
    assert one_per_mention(alias) == [(3, 8, "ALIAS", 0.9)]


@pytest.mark.parametrize("text,names,expected", [
    ("AKBP Rosmawati Sinaga, S.H., M.H. menyebut", ["Rosmawati Sinaga", "S.H", "M.H"], ["Rosmawati Sinaga"]),
    ("Dr. Rusdi Hamzah, M.Si. mengatakan", ["Rusdi Hamzah", "M.Si"], ["Rusdi Hamzah"]),
    ("Irjen Pol Andi Rahman, S.IP., M.Si. hadir", ["Andi Rahman", "S.IP", "M.Si"], ["Andi Rahman"]),
    # initials after a comma that follows no name stay names
    ("Polisi menangkap dua pelaku, R.S. (25) dan A.H. (34).", ["R.S", "A.H"], ["R.S", "A.H"]),
    ("kata Budi, Sinaga menambahkan", ["Budi", "Sinaga"], ["Budi", "Sinaga"]),  # a name after a name
])
def test_degrees_after_a_name_are_not_names(text, names, expected):
    from warta.models.inference import _without_degrees
    from warta.models.windows import document_words

    words = document_words(text)
    def span_of(name):
        s = text.index(name)
        first = next(i for i, w in enumerate(words.words) if w.start == s)
        last = next(i for i, w in enumerate(words.words) if w.end == s + len(name))
        return (first, last + 1, "PER", 0.9)
    kept = _without_degrees(text, words, [span_of(n) for n in names])
    assert [text[words.words[s].start:words.words[e - 1].end] for s, e, _, _ in kept] == expected
