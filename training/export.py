"""Exports a training checkpoint to ONNX in models/<name>/ with config.json and parity fixtures.

  /usr/bin/python3 training/export.py --ckpt training/runs/ar/ckpt.pt --kind ar --out models/ar
  /usr/bin/python3 training/export.py --ckpt training/runs/diffusion/ckpt.pt --kind diffusion --out models/diffusion

Graphs (opset 17, dynamic axes):
  diffusion: input_ids int64[B, L], attention_mask int64[B, L] -> logits float32[B, L, V]
  ar:        input_ids int64[B, S], past_kv float32[n_layer, 2, B, H, P, Dh]
             -> logits float32[B, S, V], present_kv float32[n_layer, 2, B, H, P + S, Dh]
Also writes model.int8.onnx, the dynamically quantised graph (training/quantize.py).
Fixtures (models/<name>/fixtures/parity.json): fixed inputs and PyTorch outputs that the
TypeScript parity tests compare against onnxruntime-node, plus one loss vector for core's loss.
"""
import argparse
import json
import os

import torch

from model import ModelConfig, Transformer
from losses import forward_process, llada_pretraining_loss, stratified_t
from quantize import quantize

EOT_ID, MASK_ID, PAD_ID = 4093, 4094, 4095


class DiffusionGraph(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask):
        return self.model.diffusion_logits(input_ids, attention_mask)


class ArGraph(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, past_kv):
        S = input_ids.shape[1]
        P = past_kv.shape[4]
        positions = torch.arange(S) + P
        bias = self.model.causal_bias(S, P)
        return self.model.hidden_logits(input_ids, positions, bias, past_kv)


def load(ckpt_path, kind):
    state = torch.load(ckpt_path)
    cfg = ModelConfig(**state["config"])
    cfg.causal = kind == "ar"
    model = Transformer(cfg)
    model.load_state_dict(state["model"])
    model.eval()
    return model, cfg, state


def export(model, cfg, kind, out):
    path = os.path.join(out, "model.onnx")
    H, Dh = cfg.n_head, cfg.d_model // cfg.n_head
    if kind == "diffusion":
        ids = torch.randint(0, cfg.vocab_size, (2, 16))
        torch.onnx.export(
            DiffusionGraph(model), (ids, torch.ones_like(ids)), path, opset_version=17,
            input_names=["input_ids", "attention_mask"], output_names=["logits"],
            dynamic_axes={"input_ids": {0: "batch", 1: "length"}, "attention_mask": {0: "batch", 1: "length"},
                          "logits": {0: "batch", 1: "length"}},
        )
    else:
        ids = torch.randint(0, cfg.vocab_size, (1, 4))
        past = torch.zeros(cfg.n_layer, 2, 1, H, 3, Dh)
        torch.onnx.export(
            ArGraph(model), (ids, past), path, opset_version=17,
            input_names=["input_ids", "past_kv"], output_names=["logits", "present_kv"],
            dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "past_kv": {2: "batch", 4: "past"},
                          "logits": {0: "batch", 1: "sequence"}, "present_kv": {2: "batch", 4: "total"}},
        )
    return path


@torch.no_grad()
def parity_fixtures(model, cfg, kind):
    gen = torch.Generator().manual_seed(7)
    ids = torch.randint(0, EOT_ID, (2, 12), generator=gen)
    ids[:, 0] = EOT_ID
    fixture = {"input_ids": ids.tolist()}
    if kind == "diffusion":
        ids[1, 5:9] = MASK_ID
        mask = torch.ones_like(ids)
        mask[1, 10:] = 0
        fixture["input_ids"] = ids.tolist()
        fixture["attention_mask"] = mask.tolist()
        logits = DiffusionGraph(model)(ids, mask)
        # only positions with real tokens are meaningful
        fixture["logits_sample"] = sample_logits(logits, [(0, 0), (0, 11), (1, 6), (1, 9)])
        t = stratified_t(2, gen)
        xt, masked, p = forward_process(ids, t, MASK_ID, gen)
        full = model.diffusion_logits(xt)
        loss, _ = llada_pretraining_loss(full, ids, masked, p)
        fixture["loss"] = {
            "x0": ids.tolist(), "masked": masked.int().tolist(), "p": p[:, 0].tolist(),
            "logits": [float(f"{x:.8g}") for x in full.flatten().tolist()], "shape": list(full.shape), "value": loss.item(),
        }
    else:
        logits, _ = ArGraph(model)(ids, torch.zeros(cfg.n_layer, 2, 2, cfg.n_head, 0, cfg.d_model // cfg.n_head))
        fixture["logits_sample"] = sample_logits(logits, [(0, 0), (0, 11), (1, 5)])
    return fixture


def sample_logits(logits, positions):
    return [{"b": b, "i": i, "first16": logits[b, i, :16].tolist(), "argmax": int(logits[b, i].argmax())} for b, i in positions]


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--ckpt", required=True)
    a.add_argument("--kind", choices=["ar", "diffusion"], required=True)
    a.add_argument("--out", required=True)
    args = a.parse_args()
    torch.set_num_threads(1)
    model, cfg, state = load(args.ckpt, args.kind)
    os.makedirs(os.path.join(args.out, "fixtures"), exist_ok=True)
    export(model, cfg, args.kind, args.out)
    quantize(os.path.join(args.out, "model.onnx"), os.path.join(args.out, "model.int8.onnx"))
    config = {
        "kind": args.kind,
        "architecture": {**cfg.to_dict(), "head_dim": cfg.d_model // cfg.n_head, "positions": "rotary",
                         "norm": "rmsnorm", "mlp": "swiglu", "tied_embeddings": True,
                         "shifted_logits": args.kind == "diffusion"},
        "parameters": model.num_params(),
        "vocab_size": cfg.vocab_size,
        "context_length": cfg.context_length,
        "special_tokens": {"eos": EOT_ID, "mask": MASK_ID, "pad": PAD_ID, "bos": EOT_ID},
        "tokenizer": "../tokenizer/tokenizer.json",
        "graphs": {"fp32": "model.onnx", "int8": "model.int8.onnx"},
        "training": {"tokens_seen": state["tokens"], "steps": state["step"], "wall_seconds": round(state["elapsed"]),
                     "args": state["args"]},
    }
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(args.out, "fixtures", "parity.json"), "w") as f:
        json.dump(parity_fixtures(model, cfg, args.kind), f)
    print(f"exported {args.kind} ({model.num_params():,} params, {state['tokens']:,} tokens) to {args.out}")


if __name__ == "__main__":
    main()
