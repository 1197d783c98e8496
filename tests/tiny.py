"""A tiny BERT with a WordPiece vocabulary, built from a local config: IndoBERT's stand-in in tests."""

from __future__ import annotations

import string
from pathlib import Path


def build_tiny_backbone(out_dir: Path, *, layers: int = 2, hidden: int = 32, seed: int = 0) -> Path:
    """Save a randomly initialised BertModel + fast WordPiece tokenizer into `out_dir`."""
    import torch
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    chars = list(string.ascii_letters + string.digits + string.punctuation)
    words = ["kepala", "bp2mi", "pekerja", "migran", "kata", "mengatakan", "di", "ke", "dan", "yang",
             "tahun", "nomor", "undang", "gubernur", "polda", "orang", "ribu", "juta", "rp"]
    vocab = specials + chars + [f"##{c}" for c in chars] + words
    vocab = list(dict.fromkeys(vocab))
    tok = Tokenizer(models.WordPiece({w: i for i, w in enumerate(vocab)}, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B [SEP]",
        special_tokens=[("[CLS]", vocab.index("[CLS]")), ("[SEP]", vocab.index("[SEP]"))])
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]",
                                   cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]", model_max_length=512)
    torch.manual_seed(seed)
    config = BertConfig(vocab_size=len(vocab), hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=2,
                        intermediate_size=2 * hidden, max_position_embeddings=512, pad_token_id=0)
    model = BertModel(config, add_pooling_layer=False)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir)
    fast.save_pretrained(out_dir)
    return out_dir
