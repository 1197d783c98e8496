"""Text → model → records. `load()` caches extractors; `predict_documents` serves evaluation."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from .schema import Document

_CACHE: dict[str, object] = {}


def load(model: str | Path):
    """A reusable extractor from a model directory (cached per resolved path)."""
    from .models.extractor import Extractor

    key = str(Path(model).resolve())
    if key not in _CACHE:
        _CACHE[key] = Extractor.load(model)
    return _CACHE[key]


def predict_documents(docs: Sequence[Document], *, model: str | Path, batch_size: int = 16) -> list[Document]:
    """Predictions for the texts of `docs`, keeping their ids and meta (so they can be scored)."""
    from .models.inference import predict_texts

    extractor = load(model)
    return predict_texts(extractor, [d.text for d in docs], ids=[d.id for d in docs],
                         metas=[d.meta for d in docs], batch_size=batch_size)
