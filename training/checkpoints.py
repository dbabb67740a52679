"""Resumable training state: one checkpoint file per run, replaced atomically."""
import os

import torch


def resume(ckpt_path, model, opt, gen):
    """Restores model, optimiser and both RNGs from ckpt_path if it exists; returns (step, tokens, elapsed)."""
    if not os.path.exists(ckpt_path):
        return 0, 0, 0.0
    state = torch.load(ckpt_path)
    model.load_state_dict(state["model"])
    opt.load_state_dict(state["opt"])
    gen.set_state(state["gen"])
    torch.set_rng_state(state["torch_rng"])
    print(f"resumed at step {state['step']}, {state['tokens']} tokens")
    return state["step"], state["tokens"], state["elapsed"]


def save_atomically(state, ckpt_path):
    torch.save(state, ckpt_path + ".tmp")
    os.replace(ckpt_path + ".tmp", ckpt_path)
