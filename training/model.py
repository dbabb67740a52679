"""One transformer family for both Unmask models (LLaMA-like: RMSNorm, rotary, SwiGLU, tied embeddings).

`causal=True` is the AR baseline. `causal=False` is the masked-diffusion model: bidirectional
attention, no time embedding (as LLaDA). The diffusion model uses the shifted-logit formulation
(the hidden state at i - 1 predicts token i, as in Dream / DiffuLLaMA), which lets it start from AR
weights; `diffusion_logits` undoes the shift so that callers see LLaDA's interface: logits[:, i]
is the prediction for position i. Position 0 has no predictor and must always hold a real token
(the worker puts <|endoftext|> there as BOS).
"""
from dataclasses import dataclass, asdict
import math
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class ModelConfig:
    vocab_size: int = 4096
    context_length: int = 256
    d_model: int = 192
    n_layer: int = 6
    n_head: int = 6
    d_ff: int = 512
    rope_base: float = 10000.0
    causal: bool = True

    def to_dict(self):
        return asdict(self)


def rope_tables(positions: torch.Tensor, head_dim: int, base: float):
    inv_freq = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.float32) / head_dim))
    angles = positions.to(torch.float32)[:, None] * inv_freq[None, :]
    return torch.cos(angles), torch.sin(angles)


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor):
    # x: [B, H, S, Dh]; rotate pairs (first half, second half) as in GPT-NeoX.
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float = 1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class Attention(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.n_head = cfg.n_head
        self.head_dim = cfg.d_model // cfg.n_head
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model, bias=False)
        self.out = nn.Linear(cfg.d_model, cfg.d_model, bias=False)

    def forward(self, x, cos, sin, bias, past_k=None, past_v=None):
        B, S, D = x.shape
        q, k, v = self.qkv(x).split(D, dim=-1)
        q = q.view(B, S, self.n_head, self.head_dim).transpose(1, 2)
        k = k.view(B, S, self.n_head, self.head_dim).transpose(1, 2)
        v = v.view(B, S, self.n_head, self.head_dim).transpose(1, 2)
        q = apply_rope(q, cos, sin)
        k = apply_rope(k, cos, sin)
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(self.head_dim)
        if bias is not None:
            scores = scores + bias
        y = torch.softmax(scores, dim=-1) @ v
        return self.out(y.transpose(1, 2).reshape(B, S, D)), k, v


class MLP(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.gate = nn.Linear(cfg.d_model, cfg.d_ff, bias=False)
        self.up = nn.Linear(cfg.d_model, cfg.d_ff, bias=False)
        self.down = nn.Linear(cfg.d_ff, cfg.d_model, bias=False)

    def forward(self, x):
        return self.down(F.silu(self.gate(x)) * self.up(x))


class Block(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.norm1 = RMSNorm(cfg.d_model)
        self.attn = Attention(cfg)
        self.norm2 = RMSNorm(cfg.d_model)
        self.mlp = MLP(cfg)

    def forward(self, x, cos, sin, bias, past_k=None, past_v=None):
        a, k, v = self.attn(self.norm1(x), cos, sin, bias, past_k, past_v)
        x = x + a
        return x + self.mlp(self.norm2(x)), k, v


class Transformer(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.blocks = nn.ModuleList([Block(cfg) for _ in range(cfg.n_layer)])
        self.norm = RMSNorm(cfg.d_model)
        self.apply(self._init)
        for name, p in self.named_parameters():
            if name.endswith("out.weight") or name.endswith("down.weight"):
                nn.init.normal_(p, std=0.02 / math.sqrt(2 * cfg.n_layer))

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)

    def num_params(self):
        return sum(p.numel() for p in self.parameters())

    def hidden_states(self, ids, positions, bias, past=None):
        """Final normalised hidden states plus each layer's keys and values. past: [n_layer, 2, B, H, P, Dh]."""
        cos, sin = rope_tables(positions, self.cfg.d_model // self.cfg.n_head, self.cfg.rope_base)
        x = self.embed(ids)
        presents = []
        for i, block in enumerate(self.blocks):
            pk = past[i, 0] if past is not None else None
            pv = past[i, 1] if past is not None else None
            x, k, v = block(x, cos, sin, bias, pk, pv)
            presents.append(torch.stack([k, v]))
        return self.norm(x), torch.stack(presents)

    def hidden_logits(self, ids, positions, bias, past=None):
        """Raw (unshifted) logits plus each layer's keys and values. past: [n_layer, 2, B, H, P, Dh]."""
        hidden, presents = self.hidden_states(ids, positions, bias, past)
        return hidden @ self.embed.weight.t(), presents

    def causal_bias(self, S: int, P: int, device=None):
        # query i (absolute P + i) may see keys 0..P + i
        q = torch.arange(S, device=device)[:, None] + P
        k = torch.arange(P + S, device=device)[None, :]
        return torch.zeros(S, P + S, device=device).masked_fill(k > q, float("-inf"))

    def ar_logits(self, ids):
        S = ids.shape[1]
        logits, _ = self.hidden_logits(ids, torch.arange(S), self.causal_bias(S, 0))
        return logits

    def diffusion_logits(self, ids, key_padding_mask=None):
        """key_padding_mask: [B, L] with 1 for real tokens; padded keys are never attended to."""
        raw, _ = self.hidden_logits(ids, torch.arange(ids.shape[1]), padding_bias(key_padding_mask))
        return torch.cat([raw[:, :1], raw[:, :-1]], dim=1)

    def diffusion_logits_at(self, ids, rows, positions, key_padding_mask=None):
        """diffusion_logits(ids)[rows, positions] for positions >= 1, without the vocabulary
        projection anywhere else (training losses that read a few positions)."""
        hidden, _ = self.hidden_states(ids, torch.arange(ids.shape[1]), padding_bias(key_padding_mask))
        return hidden[rows, positions - 1] @ self.embed.weight.t()


def padding_bias(key_padding_mask):
    if key_padding_mask is None:
        return None
    padded = key_padding_mask[:, None, None, :] == 0
    return torch.zeros(padded.shape).masked_fill(padded, float("-inf"))
