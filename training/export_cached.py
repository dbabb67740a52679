"""Exports the diffusion checkpoint as a cache-aware graph (Fast-dLLM block KV cache) with a fused
confidence head, its int8 variant, and a parity fixture.

  /usr/bin/python3 training/export_cached.py --ckpt training/runs/diffusion/ckpt.pt --out models/diffusion

Graph (opset 17; B, Q, C dynamic; C may be 0, which makes it a plain full forward):
  input_ids      int64  [B, Q]      the query tokens
  position_ids   int64  [B, Q]      their absolute positions (rotary uses these)
  past_kv        float32[n_layer, 2, B, H, C, Dh]  cached keys (rotary applied at their own
                                    positions) and values of other positions
  attention_mask int64  [B, C + Q]  1 = key may be attended to, 0 = padding; past keys first,
                                    then the query tokens; no causal mask
  ->
  logits         float32[B, Q, V]   RAW, unshifted: logits[b, q] predicts position position_ids[b, q] + 1
  present_kv     float32[n_layer, 2, B, H, Q, Dh]  keys (rotary applied) and values of the queries only
  top_ids        int64  [B, Q, 2]   \\ softmax(logits) over the vocabulary with the mask token's
  top_probs      float32[B, Q, 2]    } logit set to -inf: its top-2 ids and probabilities
  entropy        float32[B, Q]      /  (descending) and its entropy -sum p log p (nats)

Writes model.cached.onnx, model.cached.int8.onnx (training/quantize.py) and fixtures/cached.json:
a real tokenized validation canvas for the TypeScript tests, and PyTorch outputs of this graph
(a C = 0 call and a cached, padded window call on a short input) to compare onnxruntime against.
"""
import argparse
import json
import math
import os

import numpy as np
import torch

from export import load, EOT_ID, MASK_ID
from model import apply_rope
from quantize import quantize

TOP_K = 2
# Stands in for -inf in the attention bias: exp underflows to exactly 0 for any real score, and a
# row whose keys are all padding gives finite garbage instead of NaN.
NEG = -1e9


class CachedGraph(torch.nn.Module):
    def __init__(self, model, mask_id=MASK_ID):
        super().__init__()
        self.model = model
        cfg = model.cfg
        self.n_head, self.head_dim = cfg.n_head, cfg.d_model // cfg.n_head
        inv_freq = 1.0 / (cfg.rope_base ** (torch.arange(0, self.head_dim, 2, dtype=torch.float32) / self.head_dim))
        self.register_buffer("inv_freq", inv_freq, persistent=False)
        exclude = torch.zeros(cfg.vocab_size)
        exclude[mask_id] = float("-inf")
        self.register_buffer("exclude", exclude, persistent=False)

    def vocab_sum(self, x, B, Q):
        V = x.shape[-1]
        chunk = 64 if V % 64 == 0 else 1
        return x.reshape(B, Q, V // chunk, chunk).sum(-1).sum(-1)

    def forward(self, input_ids, position_ids, past_kv, attention_mask):
        m = self.model
        B, Q = input_ids.shape
        angles = position_ids.to(torch.float32)[:, :, None] * self.inv_freq  # [B, Q, Dh/2]
        cos, sin = torch.cos(angles)[:, None], torch.sin(angles)[:, None]  # [B, 1, Q, Dh/2]
        bias = (1 - attention_mask.to(torch.float32))[:, None, None, :] * NEG  # [B, 1, 1, C + Q]
        x = m.embed(input_ids)
        presents = []
        for i, block in enumerate(m.blocks):
            h = block.norm1(x)
            D = h.shape[-1]
            q, k, v = block.attn.qkv(h).split(D, dim=-1)
            q = q.reshape(B, Q, self.n_head, self.head_dim).transpose(1, 2)
            k = k.reshape(B, Q, self.n_head, self.head_dim).transpose(1, 2)
            v = v.reshape(B, Q, self.n_head, self.head_dim).transpose(1, 2)
            q = apply_rope(q, cos, sin)
            k = apply_rope(k, cos, sin)
            presents.append(torch.stack([k, v]))
            keys = torch.cat([past_kv[i, 0], k], dim=2)
            values = torch.cat([past_kv[i, 1], v], dim=2)
            scores = (q @ keys.transpose(-2, -1)) / math.sqrt(self.head_dim) + bias
            y = torch.softmax(scores, dim=-1) @ values
            x = x + block.attn.out(y.transpose(1, 2).reshape(B, Q, D))
            x = x + block.mlp(block.norm2(x))
        logits = m.norm(x) @ m.embed.weight.t()
        # Confidence head: the mask token excluded by a -inf logit.
        # Sums over the vocabulary are two-level (V = 64 x 64): a flat float32 ReduceSum drops the
        # long tail of tiny terms (measured 6e-6 error in top_probs, 1e-6 or less this way).
        z = logits + self.exclude
        zmax = z.max(dim=-1, keepdim=True).values
        e = torch.exp(z - zmax)
        s = self.vocab_sum(e, B, Q)[..., None]
        p = e / s
        logp = logits - (zmax + torch.log(s))  # finite everywhere; p is exactly 0 at the mask id
        entropy = -self.vocab_sum(p * logp, B, Q)
        top_probs, top_ids = torch.topk(p, TOP_K, dim=-1)
        return logits, torch.stack(presents), top_ids, top_probs, entropy


INPUTS = ["input_ids", "position_ids", "past_kv", "attention_mask"]
OUTPUTS = ["logits", "present_kv", "top_ids", "top_probs", "entropy"]


def export(graph, cfg, path):
    H, Dh = cfg.n_head, cfg.d_model // cfg.n_head
    B, Q, C = 2, 5, 3
    ids = torch.randint(0, cfg.vocab_size, (B, Q))
    pos = torch.arange(Q)[None].repeat(B, 1) + C
    past = torch.randn(cfg.n_layer, 2, B, H, C, Dh)
    mask = torch.ones(B, C + Q, dtype=torch.int64)
    torch.onnx.export(
        graph, (ids, pos, past, mask), path, opset_version=17,
        input_names=INPUTS, output_names=OUTPUTS,
        dynamic_axes={
            "input_ids": {0: "batch", 1: "query"}, "position_ids": {0: "batch", 1: "query"},
            "past_kv": {2: "batch", 4: "past"}, "attention_mask": {0: "batch", 1: "keys"},
            "logits": {0: "batch", 1: "query"}, "present_kv": {2: "batch", 4: "query"},
            "top_ids": {0: "batch", 1: "query"}, "top_probs": {0: "batch", 1: "query"},
            "entropy": {0: "batch", 1: "query"},
        },
    )
    return path


def canvas(cfg, gen):
    """BOS + the first 255 tokens of the encoded validation split, with a few masked runs."""
    valid = np.fromfile(os.path.join(os.path.dirname(__file__), ".cache", "valid.bin"), dtype=np.uint16)
    ids = [EOT_ID] + valid[: cfg.context_length - 1].astype(np.int64).tolist()
    masked = [i for i in range(1, len(ids)) if (i // 16) % 3 == 1 and torch.rand((), generator=gen) < 0.6]
    for i in masked:
        ids[i] = MASK_ID
    return ids


def rounded(t):
    return [float(f"{x:.7g}") for x in t.flatten().tolist()]


@torch.no_grad()
def parity_fixture(graph, cfg, full_canvas):
    """Two calls on a 12-token input (B = 2): a C = 0 forward, then a cached window call whose past
    comes from the first call's present_kv (row 1 has a shorter past, padded on the left)."""
    n_layer, H, Dh = cfg.n_layer, cfg.n_head, cfg.d_model // cfg.n_head
    L = 12
    ids = torch.tensor([full_canvas[:L], [EOT_ID] + full_canvas[40:40 + L - 1]])
    ids[1, 6:9] = MASK_ID
    pos = torch.arange(L)[None].repeat(2, 1)
    empty = torch.zeros(n_layer, 2, 2, H, 0, Dh)
    logits, present, top_ids, top_probs, entropy = graph(ids, pos, empty, torch.ones(2, L, dtype=torch.int64))
    full = {"input_ids": ids.tolist(), "position_ids": pos.tolist(),
            "logits_sample": [{"b": b, "q": q, "first16": rounded(logits[b, q, :16]), "argmax": int(logits[b, q].argmax())}
                              for b, q in [(0, 0), (0, 11), (1, 5), (1, 8)]],
            "present_kv_sum": rounded(present.sum(dim=(2, 3, 4, 5)).flatten()),
            "present_kv_sample": rounded(present[:, :, :, 0, 3, :4]),  # [n_layer, 2, B, 4] at head 0, query 3
            "top_ids": top_ids.tolist(), "top_probs": rounded(top_probs), "entropy": rounded(entropy)}
    # Window call: queries are positions [4, 8) of each row; row 0's past is positions
    # [0, 4) + [8, 12) (C = 8), row 1's past only [8, 12) (4 keys), padded in front to C = 8.
    win = slice(4, 8)
    past0 = torch.cat([present[:, :, 0:1, :, 0:4], present[:, :, 0:1, :, 8:12]], dim=4)
    past1 = torch.cat([torch.zeros(n_layer, 2, 1, H, 4, Dh), present[:, :, 1:2, :, 8:12]], dim=4)
    past = torch.cat([past0, past1], dim=2)
    mask = torch.ones(2, 8 + 4, dtype=torch.int64)
    mask[1, :4] = 0
    w_ids, w_pos = ids[:, win], pos[:, win]
    logits, present_w, top_ids, top_probs, entropy = graph(w_ids, w_pos, past, mask)
    window = {"query": [4, 8], "past_positions": [[0, 1, 2, 3, 8, 9, 10, 11], [-1, -1, -1, -1, 8, 9, 10, 11]],
              "attention_mask": mask.tolist(),
              "logits_sample": [{"b": b, "q": q, "first16": rounded(logits[b, q, :16]), "argmax": int(logits[b, q].argmax())}
                                for b in range(2) for q in range(4)],
              "present_kv_sum": rounded(present_w.sum(dim=(2, 3, 4, 5)).flatten()),
              "top_ids": top_ids.tolist(), "top_probs": rounded(top_probs), "entropy": rounded(entropy)}
    return {"full": full, "window": window}


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--ckpt", required=True)
    a.add_argument("--out", required=True)
    args = a.parse_args()
    torch.set_num_threads(1)
    model, cfg, _ = load(args.ckpt, "diffusion")
    graph = CachedGraph(model).eval()
    os.makedirs(os.path.join(args.out, "fixtures"), exist_ok=True)
    path = export(graph, cfg, os.path.join(args.out, "model.cached.onnx"))
    quantize(path, os.path.join(args.out, "model.cached.int8.onnx"))
    gen = torch.Generator().manual_seed(11)
    full_canvas = canvas(cfg, gen)
    fixture = {"mask_id": MASK_ID, "canvas": full_canvas, **parity_fixture(graph, cfg, full_canvas)}
    with open(os.path.join(args.out, "fixtures", "cached.json"), "w") as f:
        json.dump(fixture, f)
    config_path = os.path.join(args.out, "config.json")
    with open(config_path) as f:
        config = json.load(f)
    config["cached_graphs"] = {"fp32": "model.cached.onnx", "int8": "model.cached.int8.onnx"}
    config["confidence_head"] = {"top_k": TOP_K, "excludes": ["mask"]}
    with open(config_path, "w") as f:
        json.dump(config, f, indent=2)
    print(f"exported the cached diffusion graph to {path}")


if __name__ == "__main__":
    main()
