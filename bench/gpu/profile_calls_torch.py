"""GPU model-call profile for the cost model, run on a machine with CUDA and PyTorch (a `device` session).

onnxruntime-node has no CUDA provider offline, so this times the same architecture (training/model.py,
random weights: the cost does not depend on them) in PyTorch eager fp32, outputs copied to the host as
the worker needs them. From the repository root:

  python3 bench/gpu/profile_calls_torch.py > bench/results/gpu-calls.json
"""
import json
import sys
import time

import torch

sys.path.insert(0, "training")
from model import ModelConfig, Transformer  # noqa: E402

DIFFUSION_LENGTHS = [8, 17, 33, 65, 97, 129, 161, 193, 225, 256]
AR_PAST_LENGTHS = [1, 16, 33, 65, 97, 129, 161, 193, 225, 255]
BATCH_SIZES = [1, 2, 4, 8]
BATCH_LENGTH = 65


def median_ms(call, repeats=60, warmup=15):
    for _ in range(warmup):
        call()
    torch.cuda.synchronize()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        torch.cuda.synchronize()
        samples.append((time.perf_counter() - started) * 1e3)
    return sorted(samples)[len(samples) // 2]


def main():
    torch.set_default_device("cuda")
    cfg = ModelConfig()
    model = Transformer(cfg).eval()
    head_dim = cfg.d_model // cfg.n_head
    result = {
        "measuredOn": f"{torch.cuda.get_device_name(0)}, torch {torch.__version__}, PyTorch eager fp32, "
        "random weights of the training/model.py architecture, outputs copied to the host",
        "command": "python3 bench/gpu/profile_calls_torch.py > bench/results/gpu-calls.json",
        "diffusion": {}, "diffusionBatches": {}, "arStep": {}, "arStepHostKv": {},
    }
    with torch.inference_mode():
        for length in DIFFUSION_LENGTHS:
            ids, mask = torch.full((1, length), 5), torch.ones(1, length, dtype=torch.long)
            result["diffusion"][length] = median_ms(lambda: model.diffusion_logits(ids, mask).cpu())
        for batch in BATCH_SIZES:
            ids, mask = torch.full((batch, BATCH_LENGTH), 5), torch.ones(batch, BATCH_LENGTH, dtype=torch.long)
            result["diffusionBatches"][batch] = median_ms(lambda: model.diffusion_logits(ids, mask).cpu())
        for past_length in AR_PAST_LENGTHS:
            past = torch.zeros(cfg.n_layer, 2, 1, cfg.n_head, past_length, head_dim)
            ids, positions, bias = torch.full((1, 1), 5), torch.arange(1) + past_length, model.causal_bias(1, past_length)
            # the KV cache stays on the GPU; only the logits come back
            result["arStep"][past_length] = median_ms(lambda: model.hidden_logits(ids, positions, bias, past)[0].cpu())
            # the worker's layout: the cache lives on the host and crosses the bus every step
            result["arStepHostKv"][past_length] = median_ms(
                lambda: [x.cpu() for x in model.hidden_logits(ids, positions, bias, past.cpu().cuda())])
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
