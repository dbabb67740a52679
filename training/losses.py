"""Training objectives. `llada_pretraining_loss` is the same formula as packages/core's `pretrainingLoss`
(the parity test in packages/core checks the two agree on fixtures written by export.py)."""
import torch
import torch.nn.functional as F

EPS = 1e-3


def p_mask(t: torch.Tensor) -> torch.Tensor:
    return (1 - EPS) * t + EPS


def stratified_t(batch: int, generator: torch.Generator) -> torch.Tensor:
    """One t per row, evenly spread over (0, 1) with a shared random offset (MDLM's low-discrepancy sampler)."""
    u = torch.rand(1, generator=generator)
    t = (torch.arange(batch, dtype=torch.float32) + u) / batch
    return t[torch.randperm(batch, generator=generator)]


def forward_process(x0: torch.Tensor, t: torch.Tensor, mask_id: int, generator: torch.Generator):
    """Masks each token independently with probability pMask(t); column 0 (the BOS anchor) is never masked."""
    p = p_mask(t)[:, None].expand_as(x0)
    masked = torch.rand(x0.shape, generator=generator) < p
    masked[:, 0] = False
    return torch.where(masked, torch.full_like(x0, mask_id), x0), masked, p


def llada_pretraining_loss(logits: torch.Tensor, x0: torch.Tensor, masked: torch.Tensor, p: torch.Tensor):
    """sum over masked positions of CE / pMask, divided by B * L."""
    ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), x0.reshape(-1), reduction="none").view_as(x0)
    return (ce * masked / p).sum() / x0.numel(), ce


def next_token_loss(logits: torch.Tensor, targets: torch.Tensor):
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
