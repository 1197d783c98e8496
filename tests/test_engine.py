"""`warta.dask` on a local Dask cluster: two worker processes on loopback, the model loaded once in each."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("torch")
pd = pytest.importorskip("pandas")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("dask.distributed")

from test_bulk import make_docs  # noqa: E402

import warta  # noqa: E402
from warta.bulk import decode_row, output_object  # noqa: E402
from warta.dask import extract_dataframe, extract_parquet, worker_stats  # noqa: E402


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None, worker_dashboard_address=None)
    c = distributed.Client(cluster)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


def test_dataframe_of_texts_to_records(client, model_dir, tmp_path):
    docs = make_docs(48)
    docs[9]["date"] = "9/3/2021"  # fails; the others go on
    pdf = pd.DataFrame(docs)
    ddf = dd.from_pandas(pdf, npartitions=8)
    out = extract_dataframe(ddf, model=model_dir, batch_size=4).compute()

    assert list(out.columns) == ["id", "date", "events", "error"]
    assert list(out["id"]) == [d["id"] for d in docs]
    assert out["error"].iloc[9].startswith("ValueError: date must be an ISO date")
    assert out["error"].drop(index=9).isna().all()
    # the same records as one process here (and as `warta extract` writes them)
    ok = [d for k, d in enumerate(docs) if k != 9]
    local = [output_object(doc, "records") for doc in warta.load(model_dir).pipe(ok, batch_size=4)]
    plain = out.drop(index=9).astype(object)
    rows = [decode_row(r, "records") for r in plain.where(plain.notna(), None).to_dict("records")]
    assert rows == local
    assert all(isinstance(json.loads(e), list) for e in out["events"].drop(index=9))

    # two worker processes on loopback; each loaded the model once for all its partitions
    stats = client.run(worker_stats)
    assert len(stats) == 2 and all(addr.startswith("tcp://127.0.0.1:") for addr in stats)
    assert len({s["pid"] for s in stats.values()}) == 2
    assert sum(s["partitions"] for s in stats.values()) == 8
    assert sum(s["documents"] for s in stats.values()) == 48
    for s in stats.values():
        assert s["loads"] == (1 if s["partitions"] else 0)
    assert max(s["partitions"] for s in stats.values()) >= 2  # so "once" means something

    # Parquet to Parquet; a second pass loads nothing new
    src = tmp_path / "texts"
    ddf.to_parquet(src)
    extract_parquet(str(src), str(tmp_path / "records"), model=model_dir, fmt="document", batch_size=4)
    back = dd.read_parquet(tmp_path / "records").compute()
    assert sorted(back["id"]) == sorted(d["id"] for d in docs)
    assert {"text", "entities", "events", "officials", "error"} <= set(back.columns)
    assert all(s["loads"] <= 1 for s in client.run(worker_stats).values())
