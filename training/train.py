"""Trains the AR baseline or the masked-diffusion model on tokenised TinyStories (training/.cache/*.bin).

  /usr/bin/python3 training/train.py --kind ar --out training/runs/ar --tokens 10000000
  /usr/bin/python3 training/train.py --kind diffusion --out training/runs/diffusion \
      --init-from training/runs/ar/ckpt-2000000.pt --tokens 8000000

Resumes from <out>/ckpt.pt when it exists. Writes <out>/loss.csv (one row per log interval) and
<out>/ckpt.pt every --ckpt-every steps; --save-at N also keeps a copy once N tokens are passed.
"""
import argparse
import csv
import math
import os
import time

import numpy as np
import torch

from checkpoints import resume, save_atomically
from model import ModelConfig, Transformer
from losses import forward_process, llada_pretraining_loss, next_token_loss, stratified_t

HERE = os.path.dirname(os.path.abspath(__file__))
MASK_ID = 4094
EOT_ID = 4093


def parse_args():
    a = argparse.ArgumentParser()
    a.add_argument("--kind", choices=["ar", "diffusion"], required=True)
    a.add_argument("--out", required=True)
    a.add_argument("--tokens", type=int, default=10_000_000, help="training tokens for this run")
    a.add_argument("--batch", type=int, default=16)
    a.add_argument("--accum", type=int, default=1)
    a.add_argument("--context", type=int, default=256)
    a.add_argument("--lr", type=float, default=1e-3)
    a.add_argument("--min-lr", type=float, default=1e-4)
    a.add_argument("--warmup", type=int, default=100)
    a.add_argument("--threads", type=int, default=1)
    a.add_argument("--seed", type=int, default=1337)
    a.add_argument("--init-from", default=None, help="start from another run's checkpoint weights (AR -> diffusion)")
    a.add_argument("--log-every", type=int, default=10)
    a.add_argument("--eval-every", type=int, default=100)
    a.add_argument("--ckpt-every", type=int, default=50)
    a.add_argument("--save-at", type=int, action="append", default=[], help="keep a copy of the checkpoint at this many tokens")
    return a.parse_args()


def load_split(name):
    return torch.from_numpy(np.fromfile(os.path.join(HERE, ".cache", f"{name}.bin"), dtype=np.uint16).astype(np.int64))


def sample_windows(data, batch, length, gen):
    starts = torch.randint(0, len(data) - length - 1, (batch,), generator=gen)
    return torch.stack([data[s : s + length + 1] for s in starts.tolist()])


def lr_at(step, total, args):
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    progress = min(1.0, (step - args.warmup) / max(1, total - args.warmup))
    return args.min_lr + 0.5 * (args.lr - args.min_lr) * (1 + math.cos(math.pi * progress))


def diffusion_batch_loss(model, windows, gen):
    x0 = windows[:, :-1]
    if torch.rand(1, generator=gen).item() < 0.01:  # LLaDA: 1 % of batches cut to a random length
        x0 = x0[:, : int(torch.randint(2, x0.shape[1] + 1, (1,), generator=gen))]
    t = stratified_t(x0.shape[0], gen)
    xt, masked, p = forward_process(x0, t, MASK_ID, gen)
    loss, ce = llada_pretraining_loss(model.diffusion_logits(xt), x0, masked, p)
    per_row = (ce * masked).sum(1) / masked.sum(1).clamp(min=1)
    return loss, t, per_row


@torch.no_grad()
def evaluate(model, kind, valid, gen_seed=0, rows=32, length=256):
    """AR: exact NLL per token. Diffusion: a quick single-sample ELBO estimate (the model card uses core's bound)."""
    model.eval()
    gen = torch.Generator().manual_seed(gen_seed)
    windows = sample_windows(valid, rows, length, gen)
    if kind == "ar":
        value = next_token_loss(model.ar_logits(windows[:, :-1]), windows[:, 1:]).item()
    else:
        x0 = windows[:, :-1]
        t = stratified_t(rows, gen)
        xt, masked, p = forward_process(x0, t, MASK_ID, gen)
        value = llada_pretraining_loss(model.diffusion_logits(xt), x0, masked, p)[0].item()
    model.train()
    return value


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    train, valid = load_split("train"), load_split("valid")
    cfg = ModelConfig(context_length=args.context, causal=args.kind == "ar")
    model = Transformer(cfg)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.95), weight_decay=0.1)
    gen = torch.Generator().manual_seed(args.seed)
    ckpt_path = os.path.join(args.out, "ckpt.pt")
    step, tokens, elapsed = resume(ckpt_path, model, opt, gen)
    if step == 0 and args.init_from:
        model.load_state_dict(torch.load(args.init_from)["model"])
        print(f"initialised from {args.init_from}")
    tokens_per_step = args.batch * args.accum * args.context
    total_steps = args.tokens // tokens_per_step
    print(f"{args.kind}: {model.num_params():,} parameters, {total_steps} steps of {tokens_per_step} tokens")

    log_path = os.path.join(args.out, "loss.csv")
    new_log = not os.path.exists(log_path)
    log = open(log_path, "a", newline="")
    writer = csv.writer(log)
    if new_log:
        writer.writerow(["step", "tokens", "lr", "train_loss", "loss_t_below_0.2", "loss_t_above_0.8", "valid_loss", "elapsed_s"])
    pending_saves = sorted(s for s in args.save_at if s > tokens)

    model.train()
    run_start = time.time() - elapsed
    acc_loss, acc_n, lo, hi = 0.0, 0, [], []
    while step < total_steps:
        lr = lr_at(step, total_steps, args)
        for g in opt.param_groups:
            g["lr"] = lr
        opt.zero_grad(set_to_none=True)
        for _ in range(args.accum):
            windows = sample_windows(train, args.batch, args.context, gen)
            if args.kind == "ar":
                loss = next_token_loss(model.ar_logits(windows[:, :-1]), windows[:, 1:])
            else:
                loss, t, per_row = diffusion_batch_loss(model, windows, gen)
                lo += per_row[t < 0.2].tolist()
                hi += per_row[t > 0.8].tolist()
            (loss / args.accum).backward()
            acc_loss += loss.item() / args.accum
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        tokens += tokens_per_step
        acc_n += 1
        valid_loss = ""
        if step % args.eval_every == 0 or step == total_steps:
            valid_loss = f"{evaluate(model, args.kind, valid):.4f}"
        if step % args.log_every == 0 or valid_loss:
            mean = lambda xs: f"{sum(xs) / len(xs):.4f}" if xs else ""
            row = [step, tokens, f"{lr:.2e}", f"{acc_loss / acc_n:.4f}", mean(lo), mean(hi), valid_loss, f"{time.time() - run_start:.0f}"]
            writer.writerow(row)
            log.flush()
            print(" ".join(str(x) for x in row), flush=True)
            acc_loss, acc_n, lo, hi = 0.0, 0, [], []
        if step % args.ckpt_every == 0 or step == total_steps or (pending_saves and tokens >= pending_saves[0]):
            state = {
                "model": model.state_dict(), "opt": opt.state_dict(), "gen": gen.get_state(),
                "torch_rng": torch.get_rng_state(), "step": step, "tokens": tokens,
                "elapsed": time.time() - run_start, "config": cfg.to_dict(), "args": vars(args),
            }
            save_atomically(state, ckpt_path)
            while pending_saves and tokens >= pending_saves[0]:
                torch.save(state, os.path.join(args.out, f"ckpt-{pending_saves.pop(0)}.pt"))
    log.close()


if __name__ == "__main__":
    main()
