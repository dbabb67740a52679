"""Recovers a PyTorch checkpoint from a shipped ONNX graph (models/<name>/model.onnx), so that
fine-tuning can start from the exact shipped weights when the original training run is gone.

  /usr/bin/python3 training/onnx_to_ckpt.py --model models/diffusion --out training/runs/diffusion-shipped/ckpt-init.pt

The exporter keeps named initializers for the embedding and the norms; each Linear appears as an
anonymous transposed MatMul initializer, in module order (qkv, out, gate, up, down per block).
The result is checked against the model's parity fixtures before it is written.
"""
import argparse
import json
import os

import onnx
import torch
from onnx import numpy_helper

from model import ModelConfig, Transformer

LINEARS = ["attn.qkv", "attn.out", "mlp.gate", "mlp.up", "mlp.down"]


def recover(model_dir):
    config = json.load(open(os.path.join(model_dir, "config.json")))
    arch = {k: config["architecture"][k] for k in ["vocab_size", "context_length", "d_model", "n_layer", "n_head", "d_ff", "rope_base", "causal"]}
    cfg = ModelConfig(**arch)
    graph = onnx.load(os.path.join(model_dir, "model.onnx")).graph
    named = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in graph.initializer}
    anonymous = [named[n] for n in named if n.startswith("onnx::MatMul_")]
    state = {k[len("model."):]: v for k, v in named.items() if k.startswith("model.")}
    expected = [f"blocks.{b}.{name}.weight" for b in range(cfg.n_layer) for name in LINEARS]
    for key, weight in zip(expected, anonymous):
        state[key] = weight.t().contiguous()
    model = Transformer(cfg)
    model.load_state_dict(state)
    model.eval()
    return model, cfg, config


@torch.no_grad()
def check_parity(model, cfg, model_dir):
    fixture = json.load(open(os.path.join(model_dir, "fixtures", "parity.json")))
    ids = torch.tensor(fixture["input_ids"])
    if cfg.causal:
        logits = model.ar_logits(ids)
    else:
        logits = model.diffusion_logits(ids, torch.tensor(fixture["attention_mask"]))
    worst = 0.0
    for sample in fixture["logits_sample"]:
        got = logits[sample["b"], sample["i"], :16]
        worst = max(worst, (got - torch.tensor(sample["first16"])).abs().max().item())
    if worst > 1e-4:
        raise SystemExit(f"recovered weights disagree with the parity fixtures: max |Δlogit| = {worst}")
    return worst


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--model", required=True)
    a.add_argument("--out", required=True)
    args = a.parse_args()
    model, cfg, config = recover(args.model)
    worst = check_parity(model, cfg, args.model)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    torch.save({"model": model.state_dict(), "config": cfg.to_dict(), "source": args.model, "training": config.get("training")}, args.out)
    print(f"{args.out}: {model.num_params():,} parameters, parity max |Δlogit| {worst:.2e}")


if __name__ == "__main__":
    main()
