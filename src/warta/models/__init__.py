"""Transformer models for warta: backbones (encoder + fast tokenizer)."""

from .backbone import DEFAULT_BACKBONE, BackboneError, load_backbone, resolve_backbone

__all__ = ["DEFAULT_BACKBONE", "BackboneError", "load_backbone", "resolve_backbone"]
