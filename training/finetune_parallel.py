"""Fine-tunes the diffusion model to commit many tokens per forward: sequence-level distillation
(targets from training/distill_corpus.py) with certainty forcing (dParallel, arXiv 2509.26488).

  /usr/bin/python3 training/finetune_parallel.py --init training/runs/diffusion-shipped/ckpt.pt \
      --corpus training/.cache/distill --out training/runs/diffusion-fast --tokens 6000000

Each batch mixes two kinds of rows:
- distilled rows, semi-AR: the prefix before a block is clean, the block (aligned to the prompt's
  end, as the sampler aligns it) is masked at a ratio t ~ U(0, 1], everything after it is masked.
  Loss: cross-entropy on the block's masked positions, plus --beta times the entropy of the
  positions the model already predicts correctly (certainty forcing: sharpen what is right, so a
  confidence rule can commit it early; wrong positions are left to the cross-entropy);
- real train windows (--real-frac of the rows) with the LLaDA pre-training loss, so the model keeps
  a likelihood bound on real stories.
Every --eval-every steps it logs tokens per forward of greedy threshold decoding on fixed valid-story
prompts (training/parallel_decoding.py) beside the validation objective. Resumes from <out>/ckpt.pt.
"""
import argparse
import csv
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from checkpoints import resume, save_atomically
from model import ModelConfig, Transformer
from parallel_decoding import threshold_decode
from train import EOT_ID, MASK_ID, diffusion_batch_loss, evaluate, load_split, sample_windows

PAD_ID = 4095


def parse_args():
    a = argparse.ArgumentParser()
    a.add_argument("--init", required=True)
    a.add_argument("--corpus", required=True, help="prefix of <corpus>.bin / <corpus>.json from distill_corpus.py")
    a.add_argument("--out", required=True)
    a.add_argument("--tokens", type=int, default=6_000_000, help="positions processed (forward + backward)")
    a.add_argument("--batch", type=int, default=16)
    a.add_argument("--accum", type=int, default=2)
    a.add_argument("--block", type=int, default=32)
    a.add_argument("--max-suffix", type=int, default=96, help="masked positions after the block (the rest of the canvas)")
    a.add_argument("--beta", type=float, default=1.0, help="weight of the certainty (entropy) term")
    a.add_argument("--real-frac", type=float, default=0.25)
    a.add_argument("--lr", type=float, default=2e-4)
    a.add_argument("--min-lr", type=float, default=2e-5)
    a.add_argument("--warmup", type=int, default=20)
    a.add_argument("--threads", type=int, default=1)
    a.add_argument("--seed", type=int, default=4242)
    a.add_argument("--eval-every", type=int, default=25)
    a.add_argument("--eval-prompts", type=int, default=16)
    a.add_argument("--eval-new-tokens", type=int, default=64)
    a.add_argument("--eval-threshold", type=float, default=0.9)
    a.add_argument("--ckpt-every", type=int, default=10)
    return a.parse_args()


def load_corpus(prefix):
    meta = json.load(open(prefix + ".json"))
    rows = np.fromfile(prefix + ".bin", dtype=np.uint16, count=meta["rows"] * meta["context_length"])
    return meta, torch.from_numpy(rows.astype(np.int64)).view(meta["rows"], meta["context_length"])


def semi_ar_rows(rows, prefix_lengths, block, max_suffix, gen):
    """Clean prefix, a partially masked block, up to `max_suffix` masked positions after it; rows of
    different lengths, right-padded."""
    inputs, targets, in_block, keep = [], [], [], []
    for row, P in zip(rows, prefix_lengths):
        blocks = (len(row) - P) // block
        start = P + block * int(torch.randint(0, blocks, (1,), generator=gen))
        end = start + block
        length = int(torch.randint(end, min(len(row), end + max_suffix) + 1, (1,), generator=gen))
        x0 = row[:length]
        t = 1.0 - float(torch.rand(1, generator=gen))
        masked = torch.zeros(length, dtype=torch.bool)
        masked[start:end] = torch.rand(block, generator=gen) < t
        if not masked[start:end].any():
            masked[start + int(torch.randint(0, block, (1,), generator=gen))] = True
        block_masked = masked.clone()
        masked[end:] = True
        inputs.append(torch.where(masked, torch.full_like(x0, MASK_ID), x0))
        targets.append(x0)
        in_block.append(block_masked)
        keep.append(torch.ones(length, dtype=torch.long))
    pad = lambda xs, v: torch.nn.utils.rnn.pad_sequence(xs, batch_first=True, padding_value=v)
    return pad(inputs, PAD_ID), pad(targets, PAD_ID), pad(in_block, False), pad(keep, 0)


def certainty_forcing_loss(model, inputs, targets, in_block, keep, beta):
    rows, positions = in_block.nonzero(as_tuple=True)
    logits = model.diffusion_logits_at(inputs, rows, positions, keep)
    logits[:, MASK_ID] = float("-inf")
    target = targets[rows, positions]
    logp = torch.log_softmax(logits, -1)
    ce = F.nll_loss(logp, target, reduction="none")
    entropy = -(logp.exp() * logp.nan_to_num(neginf=0.0)).sum(-1)
    correct = (logits.argmax(-1) == target).float()
    n = len(target)
    ce_loss = ce.mean()
    entropy_loss = (entropy * correct).sum() / n
    return ce_loss + beta * entropy_loss, ce_loss.item(), entropy_loss.item(), correct.mean().item()


def learning_rate(step, progress, args):
    """Linear warm-up over steps, then cosine over the token budget (rows are cut, so steps vary in size)."""
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    return args.min_lr + 0.5 * (args.lr - args.min_lr) * (1 + math.cos(math.pi * min(1.0, progress)))


def eval_prompts(valid, count, length=17):
    data = valid.numpy()
    starts = np.flatnonzero(data == EOT_ID)[:-1] + 1
    return torch.tensor(np.stack([np.concatenate([[EOT_ID], data[s : s + length - 1]]) for s in starts[:count]]))


def tokens_per_forward(model, prompts, args):
    model.eval()
    _, nfe = threshold_decode(model, prompts, args.eval_new_tokens, args.block, args.eval_threshold)
    model.train()
    return args.eval_new_tokens / nfe.float().mean().item()


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    meta, corpus = load_corpus(args.corpus)
    train, valid = load_split("train"), load_split("valid")
    init = torch.load(args.init)
    cfg = ModelConfig(**init["config"])
    model = Transformer(cfg)
    model.load_state_dict(init["model"])
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.95), weight_decay=0.1)
    gen = torch.Generator().manual_seed(args.seed)
    ckpt_path = os.path.join(args.out, "ckpt.pt")
    step, tokens, elapsed = resume(ckpt_path, model, opt, gen)
    prompts = eval_prompts(valid, args.eval_prompts)
    n_real = round(args.batch * args.real_frac)
    n_distilled = args.batch - n_real
    log_path = os.path.join(args.out, "loss.csv")
    new_log = not os.path.exists(log_path)
    log = open(log_path, "a", newline="")
    writer = csv.writer(log)
    if new_log:
        writer.writerow(["step", "tokens", "lr", "loss", "block_ce", "block_entropy", "block_accuracy", "llada_loss",
                         "valid_objective", "tokens_per_forward", "elapsed_s"])
        writer.writerow([0, 0, "", "", "", "", "", "", f"{evaluate(model, 'diffusion', valid):.4f}",
                         f"{tokens_per_forward(model, prompts, args):.3f}", 0])
        log.flush()
    run_start = time.time() - elapsed
    model.train()
    while tokens < args.tokens:
        lr = learning_rate(step, tokens / args.tokens, args)
        for g in opt.param_groups:
            g["lr"] = lr
        opt.zero_grad(set_to_none=True)
        sums = np.zeros(5)
        for _ in range(args.accum):
            pick = torch.randint(0, meta["rows"], (n_distilled,), generator=gen).tolist()
            inputs, targets, in_block, keep = semi_ar_rows([corpus[i] for i in pick], [meta["prefix_lengths"][i] for i in pick], args.block, args.max_suffix, gen)
            cf, ce, ent, acc = certainty_forcing_loss(model, inputs, targets, in_block, keep, args.beta)
            loss = cf * n_distilled / args.batch
            llada = 0.0
            if n_real:
                real, _, _ = diffusion_batch_loss(model, sample_windows(train, n_real, cfg.context_length, gen), gen)
                loss = loss + real * n_real / args.batch
                llada = real.item()
                tokens += n_real * cfg.context_length
            (loss / args.accum).backward()
            tokens += int(keep.sum())
            sums += np.array([loss.item(), ce, ent, acc, llada]) / args.accum
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        valid_objective, tpf = "", ""
        if step % args.eval_every == 0 or tokens >= args.tokens:
            valid_objective = f"{evaluate(model, 'diffusion', valid):.4f}"
            tpf = f"{tokens_per_forward(model, prompts, args):.3f}"
        row = [step, tokens, f"{lr:.2e}", *[f"{x:.4f}" for x in sums], valid_objective, tpf, f"{time.time() - run_start:.0f}"]
        writer.writerow(row)
        log.flush()
        print(" ".join(str(x) for x in row), flush=True)
        if step % args.ckpt_every == 0 or tokens >= args.tokens:
            state = {"model": model.state_dict(), "opt": opt.state_dict(), "gen": gen.get_state(),
                     "torch_rng": torch.get_rng_state(), "step": step, "tokens": tokens,
                     "elapsed": time.time() - run_start, "config": cfg.to_dict(), "args": vars(args),
                     "init": init.get("training")}
            save_atomically(state, ckpt_path)
            meta, corpus = load_corpus(args.corpus)  # the corpus may still be growing
    log.close()


if __name__ == "__main__":
    main()
