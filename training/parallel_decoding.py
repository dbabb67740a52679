"""Greedy threshold decoding in PyTorch (full forwards, semi-AR blocks): the training-time probe of
how many tokens a model commits per forward. Same rule as packages/core's `threshold` option with
`low_confidence` remasking: in the current block, commit every masked position whose top-1
probability ([MASK] excluded) is at least the threshold, and always at least the most confident one.
"""
import torch

MASK_ID = 4094


@torch.no_grad()
def threshold_decode(model, prompts, new_tokens, block, threshold):
    """prompts: [B, P] (BOS first, all the same length). Returns (canvas [B, P + N], nfe per row [B])."""
    B, P = prompts.shape
    canvas = torch.cat([prompts, torch.full((B, new_tokens), MASK_ID, dtype=torch.long)], dim=1)
    nfe = torch.zeros(B, dtype=torch.long)
    for block_start in range(P, P + new_tokens, block):
        block_end = min(block_start + block, P + new_tokens)
        while True:
            in_block = canvas[:, block_start:block_end] == MASK_ID
            active = in_block.any(1)
            if not active.any():
                break
            rows = active.nonzero().squeeze(1)
            logits = model.diffusion_logits(canvas[rows])[:, block_start:block_end]
            logits[..., MASK_ID] = float("-inf")
            probs, ids = torch.softmax(logits, -1).max(-1)
            masked = in_block[rows]
            probs = torch.where(masked, probs, torch.full_like(probs, -1.0))
            commit = (probs >= threshold) & masked
            best = probs.argmax(1)
            commit[torch.arange(len(rows)), best] = True
            window = canvas[rows, block_start:block_end]
            canvas[rows, block_start:block_end] = torch.where(commit, ids, window)
            nfe[rows] += 1
    return canvas, nfe
