#!/usr/bin/env python3
"""Hand-run generator of the tiny BERT model fixtures used by SentenceEmbeddingTests.

Run from anywhere (writes next to this file):

    HF_HUB_OFFLINE=1 /root/.venvs/micse-bench/bin/python Tests/SentenceEmbeddingTests/Fixtures/make_model_fixtures.py

Reference libraries: torch 2.x (`torch.save`, zip format, pickle protocol 2), transformers 5.x (`BertModel`,
`BertForPreTraining`, `save_pretrained` -> safetensors), safetensors 0.x. The weights are seeded (torch.manual_seed(20240611)),
so a rerun with the same library versions writes the same bytes.

Outputs (all small):
  tiny-bert-safetensors/       config.json, vocab.txt, tokenizer_config.json, model.safetensors (F32, save_pretrained)
  tiny-bert-f16/               same weights stored as F16 safetensors
  tiny-bert-bf16/              same weights stored as BF16 safetensors
  tiny-bert-bin/               same weights, torch.save(state_dict) -> pytorch_model.bin (zip)
  tiny-bert-bin-prefixed/      BertForPreTraining state dict: `bert.` prefix, `cls.*` heads, pooler, old-style
                               `LayerNorm.gamma/.beta` names and an int64 `embeddings.position_ids` buffer
  tiny-bert-sharded/           BF16 safetensors split in two shards + model.safetensors.index.json
  tiny-bert-sentence-transformers/  config + F16 weights + modules.json (with Normalize) + 1_Pooling/config.json (mean)
  tiny-bert-adversarial/       hostile inputs for negative tests (they are data; never unpickle them):
      os_system.pkl            a pickle whose __reduce__ calls os.system
      unknown_opcode.pkl       a valid prefix followed by an opcode byte pickle does not define
      evil-bin/pytorch_model.bin        the tiny-bert-bin archive with data.pkl replaced by os_system.pkl
                                        (storages left out in both: loading fails before they are read)
      views.bin                not hostile: {"row": x[1], "tail": x[2:]} of x = arange(12).reshape(4, 3), storage offsets 3, 6
      noncontiguous.bin        a torch.save archive holding a transposed (stride (1, 3)) tensor
      deflated-bin/pytorch_model.bin    tiny-bert-bin's data.pkl etc. rewritten with deflate compression
  Each model directory also holds tensor-checksums.json: for every encoder tensor (bare BertModel name) its shape,
  the float64 sum of its values as stored (after the F16/BF16 rounding) and its first 4 values, which the Swift tests
  compare against what the loader produced.
"""
import json
import os
import pickle
import shutil
import zipfile
from pathlib import Path

import torch
from safetensors.torch import save_file
from transformers import BertConfig, BertForPreTraining, BertModel

HERE = Path(__file__).resolve().parent
MINILM = Path(os.environ.get("MICSE_MINILM", "/root/.cache/micse-cluster/models/all-MiniLM-L6-v2"))


def tiny_vocab():
    """Special tokens, the ASCII single characters, their ## continuations and the first 600 whole words of the
    MiniLM (bert-base-uncased) vocabulary: about 900 entries, enough for WordPiece to tokenize plain English."""
    lines = (MINILM / "vocab.txt").read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    chars = [t for t in lines[999:1996] if len(t) == 1 and t.isascii()]
    continuations = [t for t in lines if t.startswith("##") and len(t) == 3 and t[2].isascii()]
    words = [t for t in lines[1996:] if not t.startswith("##") and not t.startswith("[")][:600]
    vocab = []
    for t in special + chars + continuations + words:
        if t not in vocab:
            vocab.append(t)
    return vocab


def tiny_config(vocab_size):
    return BertConfig(
        vocab_size=vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=4, intermediate_size=64,
        max_position_embeddings=64, type_vocab_size=2, layer_norm_eps=1e-12, hidden_act="gelu",
        hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
    )


def write_common(directory, config, vocab):
    directory.mkdir(parents=True, exist_ok=True)
    config.to_json_file(directory / "config.json")
    (directory / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    (directory / "tokenizer_config.json").write_text(json.dumps({
        "do_lower_case": True, "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]",
        "mask_token": "[MASK]", "tokenize_chinese_chars": True, "strip_accents": None, "tokenizer_class": "BertTokenizer",
        "model_max_length": 64}, indent=1) + "\n", encoding="utf-8")


def write_checksums(directory, state):
    out = {}
    for name, t in state.items():
        if name == "embeddings.position_ids":
            continue
        v = t.detach().to(torch.float64).reshape(-1)
        out[name] = {"shape": list(t.shape), "sum": float(v.sum()), "first": [float(x) for x in v[:4]]}
    (directory / "tensor-checksums.json").write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")


def main():
    torch.manual_seed(20240611)
    vocab = tiny_vocab()
    config = tiny_config(len(vocab))
    model = BertModel(config, add_pooling_layer=False).eval()
    with torch.no_grad():
        # BertModel initialises LayerNorm to gamma = 1, beta = 0; randomise them so a swapped or missing LayerNorm
        # tensor changes the output, and make the embeddings larger than the 0.02 default for the same reason.
        for name, p in model.named_parameters():
            if "LayerNorm.weight" in name:
                p.copy_(1 + 0.1 * torch.randn_like(p))
            elif "LayerNorm.bias" in name or name.endswith(".bias"):
                p.copy_(0.05 * torch.randn_like(p))
    state = {k: v.contiguous() for k, v in model.state_dict().items()}

    # 1. F32 safetensors, the way transformers writes it.
    d = HERE / "tiny-bert-safetensors"
    shutil.rmtree(d, ignore_errors=True)
    model.save_pretrained(d, safe_serialization=True)
    write_common(d, config, vocab)
    write_checksums(d, state)

    # 2./3. F16 and BF16 safetensors (values rounded as the file stores them).
    for folder, dtype in (("tiny-bert-f16", torch.float16), ("tiny-bert-bf16", torch.bfloat16)):
        d = HERE / folder
        shutil.rmtree(d, ignore_errors=True)
        write_common(d, config, vocab)
        low = {k: v.to(dtype).contiguous() for k, v in state.items()}
        save_file(low, d / "model.safetensors", metadata={"format": "pt"})
        write_checksums(d, low)

    # 4. torch.save(state_dict) zip checkpoint.
    d = HERE / "tiny-bert-bin"
    shutil.rmtree(d, ignore_errors=True)
    write_common(d, config, vocab)
    # model.state_dict() itself: an OrderedDict carrying a `_metadata` attribute (pickled with BUILD), as real
    # checkpoints are.
    torch.save(model.state_dict(), d / "pytorch_model.bin")
    write_checksums(d, state)

    # 5. Prefixed checkpoint with heads, a pooler, gamma/beta names and the int64 position_ids buffer.
    d = HERE / "tiny-bert-bin-prefixed"
    shutil.rmtree(d, ignore_errors=True)
    write_common(d, config, vocab)
    pretraining = BertForPreTraining(config).eval()
    pretraining.bert.load_state_dict(state, strict=False)
    prefixed = {}
    for k, v in pretraining.state_dict().items():
        k = k.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta")
        prefixed[k] = v.contiguous()
    prefixed["bert.embeddings.position_ids"] = torch.arange(config.max_position_embeddings).unsqueeze(0)
    torch.save(prefixed, d / "pytorch_model.bin")
    write_checksums(d, state)

    # 6. Two shards + index (BF16, to keep the fixture small).
    d = HERE / "tiny-bert-sharded"
    shutil.rmtree(d, ignore_errors=True)
    write_common(d, config, vocab)
    names = list(state.keys())
    half = len(names) // 2
    shards = {"model-00001-of-00002.safetensors": names[:half], "model-00002-of-00002.safetensors": names[half:]}
    weight_map = {}
    for shard, keys in shards.items():
        save_file({k: state[k].to(torch.bfloat16).contiguous() for k in keys}, d / shard, metadata={"format": "pt"})
        weight_map.update({k: shard for k in keys})
    (d / "model.safetensors.index.json").write_text(json.dumps(
        {"metadata": {"total_size": sum(v.numel() * v.element_size() for v in state.values())},
         "weight_map": weight_map}, indent=1) + "\n")
    write_checksums(d, {k: v.to(torch.bfloat16) for k, v in state.items()})

    # 7. sentence-transformers layout: mean pooling and a Normalize module (as all-MiniLM-L6-v2).
    d = HERE / "tiny-bert-sentence-transformers"
    shutil.rmtree(d, ignore_errors=True)
    write_common(d, config, vocab)
    shutil.copy(HERE / "tiny-bert-f16" / "model.safetensors", d / "model.safetensors")
    (d / "modules.json").write_text(json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}], indent=1) + "\n")
    (d / "1_Pooling").mkdir()
    (d / "1_Pooling" / "config.json").write_text(json.dumps({
        "word_embedding_dimension": config.hidden_size, "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False}, indent=1) + "\n")
    write_checksums(d, {k: v.to(torch.float16) for k, v in state.items()})

    # 8. Adversarial inputs (data only).
    d = HERE / "tiny-bert-adversarial"
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir()

    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned > /tmp/micse-pwned",))

    evil = pickle.dumps({"embeddings.word_embeddings.weight": Evil()}, protocol=2)
    (d / "os_system.pkl").write_bytes(evil)
    good = pickle.dumps({"a": 1, "b": [1.5, "x"]}, protocol=2)
    assert good[-1:] == b"."
    (d / "unknown_opcode.pkl").write_bytes(good[:-1] + b"\xfe" + b".")

    source = HERE / "tiny-bert-bin" / "pytorch_model.bin"
    with zipfile.ZipFile(source) as z:
        entries = [(info, z.read(info.filename)) for info in z.infolist()]
    for folder, compression in (("evil-bin", zipfile.ZIP_STORED), ("deflated-bin", zipfile.ZIP_DEFLATED)):
        (d / folder).mkdir()
        write_common(d / folder, config, vocab)
        with zipfile.ZipFile(d / folder / "pytorch_model.bin", "w", compression=compression) as z:
            for info, data in entries:
                if "/data/" in info.filename:
                    continue  # the storages are not needed to exercise the failure, and keep the fixture small
                if folder == "evil-bin" and info.filename.endswith("data.pkl"):
                    data = evil
                z.writestr(info.filename, data, compress_type=compression)

    # A torch.save archive whose tensor is a transposed (non-contiguous) view: torch.save keeps the strides.
    torch.save({"embeddings.word_embeddings.weight": torch.arange(6, dtype=torch.float32).reshape(2, 3).t()},
               d / "noncontiguous.bin")

    # Views into one storage: storage offsets 3 and 6 (torch.save writes the whole 12-element storage once).
    base = torch.arange(12, dtype=torch.float32).reshape(4, 3)
    torch.save({"row": base[1], "tail": base[2:]}, d / "views.bin")

    total = sum(p.stat().st_size for p in HERE.rglob("*") if p.is_file() and "tiny-bert" in str(p))
    print(f"vocab {len(vocab)} tokens; tiny-bert fixtures total {total / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
