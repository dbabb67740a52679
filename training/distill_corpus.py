"""Sequence-level distillation corpus: the AR teacher continues train-story prefixes at low temperature.

  /usr/bin/python3 training/distill_corpus.py --teacher training/runs/ar-shipped/ckpt.pt \
      --out training/.cache/distill --rows 12288 --temperature 0.3

Each row is BOS + the first P tokens of a train story (P uniform in [--min-prefix, --max-prefix],
one P per batch) + the teacher's continuation, up to the context length (256): the canvas the
diffusion model sees at inference, with targets far less multimodal than real stories (the classic
non-autoregressive translation result). Writes <out>.bin (uint16 rows of 256) and <out>.json
(prefix lengths, settings). Generated data stays in training/.cache (git-ignored); rerun to regenerate.
"""
import argparse
import json
import math
import os
import time

import numpy as np

import torch

from model import ModelConfig, Transformer, apply_rope, rope_tables

HERE = os.path.dirname(os.path.abspath(__file__))
EOT_ID, MASK_ID, PAD_ID = 4093, 4094, 4095


def story_starts(data):
    ends = np.flatnonzero(data == EOT_ID)
    return ends[:-1] + 1


@torch.no_grad()
def continue_batch(model, prefix, total, temperature, gen):
    """prefix: [B, P] (BOS first). Returns [B, total] with the teacher's continuation.
    Keys and values live in preallocated buffers written in place (concatenating a growing past
    every step made generation quadratic in copies)."""
    cfg = model.cfg
    B, P = prefix.shape
    H, Dh, D = cfg.n_head, cfg.d_model // cfg.n_head, cfg.d_model
    keys = torch.zeros(cfg.n_layer, B, H, total, Dh)
    values = torch.zeros(cfg.n_layer, B, H, total, Dh)
    cos_all, sin_all = rope_tables(torch.arange(total), Dh, cfg.rope_base)
    out = torch.zeros(B, total, dtype=torch.long)
    out[:, :P] = prefix
    ids, start = prefix, 0
    while True:
        S = ids.shape[1]
        end = start + S
        cos, sin = cos_all[start:end], sin_all[start:end]
        bias = model.causal_bias(S, start)
        x = model.embed(ids)
        for i, block in enumerate(model.blocks):
            attn = block.attn
            q, k, v = attn.qkv(block.norm1(x)).split(D, dim=-1)
            q = apply_rope(q.view(B, S, H, Dh).transpose(1, 2), cos, sin)
            keys[i, :, :, start:end] = apply_rope(k.view(B, S, H, Dh).transpose(1, 2), cos, sin)
            values[i, :, :, start:end] = v.view(B, S, H, Dh).transpose(1, 2)
            scores = (q @ keys[i, :, :, :end].transpose(-2, -1)) / math.sqrt(Dh) + bias
            y = torch.softmax(scores, dim=-1) @ values[i, :, :, :end]
            x = x + attn.out(y.transpose(1, 2).reshape(B, S, D))
            x = x + block.mlp(block.norm2(x))
        if end == total:
            return out
        last = model.norm(x[:, -1]) @ model.embed.weight.t()
        last[:, [MASK_ID, PAD_ID]] = float("-inf")
        if temperature == 0:
            nxt = last.argmax(-1, keepdim=True)
        else:
            nxt = torch.multinomial(torch.softmax(last / temperature, -1), 1, generator=gen)
        out[:, end : end + 1] = nxt
        ids, start = nxt, end


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--teacher", required=True)
    a.add_argument("--out", required=True)
    a.add_argument("--rows", type=int, default=12288)
    a.add_argument("--batch", type=int, default=128)
    a.add_argument("--temperature", type=float, default=0.3)
    a.add_argument("--min-prefix", type=int, default=4)
    a.add_argument("--max-prefix", type=int, default=64)
    a.add_argument("--threads", type=int, default=1)
    a.add_argument("--seed", type=int, default=2024)
    args = a.parse_args()
    torch.set_num_threads(args.threads)
    state = torch.load(args.teacher)
    cfg = ModelConfig(**state["config"])
    model = Transformer(cfg)
    model.load_state_dict(state["model"])
    model.eval()
    data = np.fromfile(os.path.join(HERE, ".cache", "train.bin"), dtype=np.uint16).astype(np.int64)
    starts = story_starts(data)
    rng = np.random.default_rng(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    open(args.out + ".bin", "wb").close()
    prefix_lengths = []
    began = time.time()
    for b0 in range(0, args.rows, args.batch):
        n = min(args.batch, args.rows - b0)
        P = int(rng.integers(args.min_prefix, args.max_prefix + 1))
        chosen = rng.choice(starts, size=n, replace=False)
        prefix = torch.tensor(np.stack([np.concatenate([[EOT_ID], data[s : s + P]]) for s in chosen]))
        rows = continue_batch(model, prefix, cfg.context_length, args.temperature, gen).numpy().astype(np.uint16)
        with open(args.out + ".bin", "ab") as f:
            rows.tofile(f)
        prefix_lengths += [P + 1] * n
        done = b0 + n
        # rewritten after every batch, so fine-tuning can start on the rows written so far
        json.dump({"rows": done, "context_length": cfg.context_length, "prefix_lengths": prefix_lengths,
                   "teacher": args.teacher, "temperature": args.temperature, "seed": args.seed,
                   "seconds": round(time.time() - began)}, open(args.out + ".json.tmp", "w"))
        os.replace(args.out + ".json.tmp", args.out + ".json")
        print(f"{done}/{args.rows} rows, {done * cfg.context_length / (time.time() - began):.0f} tokens/s", flush=True)


if __name__ == "__main__":
    main()
