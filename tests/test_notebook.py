"""notebooks/quickstart.ipynb runs top to bottom (nbclient) and shows what it promises.

It needs the default model (models/warta-id-small, or $WARTA_MODEL): a clone
without the model skips this test, saying so.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "quickstart.ipynb"


def test_notebook_is_stored_without_outputs():
    nbformat = pytest.importorskip("nbformat", reason="the notebook extra is not installed: pip install -e '.[notebook]'")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)
    source = "\n".join(c.source for c in code)
    assert "warta.load()" in source and "runs/" not in source and "WARTA_MODEL=" not in source


def test_notebook_runs(monkeypatch):
    nbformat = pytest.importorskip("nbformat", reason="the notebook extra is not installed: pip install -e '.[notebook]'")
    nbclient = pytest.importorskip("nbclient", reason="the notebook extra is not installed: pip install -e '.[notebook]'")
    for module in ("ipykernel", "pandas", "matplotlib"):
        pytest.importorskip(module, reason=f"{module} is missing: pip install -e '.[notebook]'")
    pytest.importorskip("torch", reason="the model extra is not installed")
    from warta.pipeline import default_model_dir

    try:
        model = default_model_dir()
    except FileNotFoundError as exc:
        pytest.skip(f"notebook not run: it needs the default model ({exc})")

    nb = nbformat.read(NOTEBOOK, as_version=4)
    monkeypatch.setenv("OMP_WAIT_POLICY", os.environ.get("OMP_WAIT_POLICY", "PASSIVE"))  # the kernel inherits it
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT / "notebooks")}})
    client.execute()  # raises CellExecutionError (with the cell and traceback) when a cell fails

    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert f"model: {model.resolve()}" in text
    n_dev = sum(1 for line in (ROOT / "corpus" / "dev.jsonl").read_text(encoding="utf-8").splitlines() if line.strip())
    assert f"{n_dev} articles" in text and "entities" in text
    html = [o.data["text/html"] for o in outputs if o.output_type in ("display_data", "execute_result")
            and "text/html" in o.get("data", {})]
    assert any('<div class="warta">' in h and '<ul class="legend"' in h for h in html), "no HTML view"
    assert len(html) >= 4  # the view and the DataFrames
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 1  # event types (and figures by region when the model ties any)
