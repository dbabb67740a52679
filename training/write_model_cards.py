"""Writes models/<name>/README.md (the model cards) from config.json, the training loss.csv and the
measurements of `npm run model-card -w @unmask/bench` (bench/results/model-card.json).

  /usr/bin/python3 training/write_model_cards.py
"""
import csv
import json
import os
import shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read_json(*parts):
    with open(os.path.join(ROOT, *parts)) as f:
        return json.load(f)


def last_rows(name):
    with open(os.path.join(ROOT, "models", name, "loss.csv")) as f:
        rows = list(csv.DictReader(f))
    final_valid = [r for r in rows if r["valid_loss"]][-1]
    recent = rows[-10:]
    train = sum(float(r["train_loss"]) for r in recent) / len(recent)
    return train, float(final_valid["valid_loss"]), rows


def samples_block(texts):
    return "\n\n".join(f"Sample {i + 1}:\n\n```text\n{t}\n```" for i, t in enumerate(texts))


def int8_section(name):
    check = read_json("models", name, "int8-check.json")
    calls = ", ".join(f"{shape}: {t['fp32']:.2f} → {t['int8']:.2f} ms" for shape, t in check["msPerCall"].items())
    return f"""## int8 variant (`model.int8.onnx`)
Dynamic int8 quantisation of every weight MatMul (`training/quantize.py`). Measured by
`node training/measureInt8.mjs {name} models/{name}/model.int8.onnx` (onnxruntime-node, CPU, 1 thread,
best of 3 rounds of 10 calls; `int8-check.json`): {calls}; validation loss
{check['loss']['fp32']:.4f} → {check['loss']['int8']:.4f} ({100 * check['lossChange']:+.2f} %). Kept: faster, and within 2 %.
The worker runs it with `MODEL_PRECISION=int8` (not the default: its dynamic activation scales make
outputs depend on the batch a request shares).
"""


def architecture_lines(config):
    a = config["architecture"]
    return (
        f"- {config['parameters']:,} parameters: {a['n_layer']} layers, d_model {a['d_model']}, {a['n_head']} heads "
        f"(head_dim {a['head_dim']}), SwiGLU d_ff {a['d_ff']}, RMSNorm, rotary positions (base {a['rope_base']:.0f}), "
        f"tied input/output embeddings, no biases.\n"
        f"- Context length {config['context_length']} tokens (position 0 is the `<|endoftext|>` BOS).\n"
        f"- Tokenizer: `../tokenizer/tokenizer.json`, byte-level BPE, 4,096 entries "
        f"(`<|endoftext|>` 4093, `[MASK]` 4094, `[PAD]` 4095), trained on the TinyStories train split."
    )


def main():
    card = read_json("bench", "results", "model-card.json")
    evaluation = card["evaluation"]
    samples = card["samples"]
    for name in ("ar", "diffusion"):
        shutil.copy(os.path.join(ROOT, "training", "runs", name, "loss.csv"), os.path.join(ROOT, "models", name, "loss.csv"))
    ar_config, diffusion_config = read_json("models", "ar", "config.json"), read_json("models", "diffusion", "config.json")
    ar_train, ar_valid, ar_rows = last_rows("ar")
    diffusion_train, diffusion_valid, diffusion_rows = last_rows("diffusion")
    ar_tokens = ar_config["training"]["tokens_seen"]
    diffusion_tokens = diffusion_config["training"]["tokens_seen"]
    init_tokens = 2_048_000
    evaluation_line = (
        f"Measured on the first {evaluation['stories']} stories of `../shared/data/tinystories/valid.txt` "
        f"({evaluation['tokens']:,} tokens, each story prefixed by BOS and cut to the context) by "
        f"`npm run model-card -w @unmask/bench` with onnxruntime-node on CPU."
    )

    ar_card = f"""# Unmask AR baseline (`models/ar`)

The autoregressive baseline: the same transformer as the diffusion model with a causal mask,
trained with next-token cross-entropy. Served by `apps/gpu-worker` in `mode: "ar"`.

## Architecture
{architecture_lines(ar_config)}
- Graph `model.onnx` (fp32, opset 17): `input_ids int64[B, S]`, `past_kv float32[{ar_config['architecture']['n_layer']}, 2, B, H, P, Dh]`
  → `logits float32[B, S, V]`, `present_kv float32[…, P + S, Dh]`; one graph for prefill (P = 0) and decode.

## Training
- Data: TinyStories train split as shipped in `../shared/data/tinystories/` (3.37 M tokens; ≈ 3 epochs).
- Tokens seen: {ar_tokens:,} ({ar_config['training']['steps']} steps of 16 × 256 tokens), AdamW (β 0.9/0.95, wd 0.1),
  lr 1e-3 cosine to 1e-4 after 100 warm-up steps, gradient clipping 1.0, seed 1337.
- Wall time: {ar_config['training']['wall_seconds'] / 60:.0f} min of CPU training on a 2-vCPU AMD EPYC machine (PyTorch 1.13, Debian;
  2 threads for the first 1.4 M tokens, then 1 thread while the diffusion model trained on the other core).
- Recipe and commands: `../../training/README.md`. Loss curve: `loss.csv`.

## Results
- Final train loss (mean of the last 10 logged steps): {ar_train:.3f} nats/token; validation loss in training
  (32 random windows of 256 tokens): {ar_valid:.3f}.
- **Validation NLL (exact): {card['ar']['natsPerToken']:.3f} nats/token** ({card['ar']['natsPerToken'] / 0.6931471805599453:.3f} bits/token).
  {evaluation_line}

{int8_section("ar")}
## Samples
Unedited, prompt "{samples['prompt']}", 128 new tokens (stopping at end of text), temperature {samples['temperature']},
seeds {", ".join(map(str, samples['seeds']))}.

{samples_block(samples['texts']['ar N=128'])}
"""

    diffusion_card = f"""# Unmask masked-diffusion LM (`models/diffusion`)

A LLaDA-style masked diffusion language model: bidirectional attention, no time embedding, trained
with the LLaDA pre-training loss. Served by `apps/gpu-worker` in `mode: "diffusion"`.

## Architecture
{architecture_lines(diffusion_config)}
- Shifted logits (as Dream / DiffuLLaMA): the hidden state at position i − 1 predicts token i. The
  exported graph undoes the shift, so `logits[:, i]` predicts position i (LLaDA's interface);
  position 0 must always hold a real token (the worker puts BOS there).
- Graph `model.onnx` (fp32, opset 17): `input_ids int64[B, L]`, `attention_mask int64[B, L]`
  (right padding; padded keys are never attended to) → `logits float32[B, L, V]`.

## Training
- Initialised from the AR baseline's checkpoint at {init_tokens:,} tokens (causal mask dropped), then
  {diffusion_tokens:,} tokens ({diffusion_config['training']['steps']} steps of 32 × 256) of the LLaDA pre-training loss
  (Σ_masked CE / pMask / (B·L), pMask = (1 − 10⁻³)·t + 10⁻³, 1 % of batches cut to a random length),
  t stratified across the batch, position 0 never masked. **Budget: {(init_tokens + diffusion_tokens) / 1e6:.2f} M tokens in all,
  of which {diffusion_tokens / 1e6:.2f} M are diffusion training** — the same architecture and parameter count as the AR
  baseline, whose {ar_tokens / 1e6:.2f} M tokens include the same first {init_tokens / 1e6:.2f} M.
- Why the AR initialisation: a from-scratch diffusion model of this size stayed on the unigram
  plateau on this machine (`../../../shared/notes/training-diffusion.md`); adapting from AR weights
  with shifted logits left it at once (loss at low mask ratios fell to ≈ 3 within 0.1 M tokens).
- AdamW (β 0.9/0.95, wd 0.1), lr 5e-4 cosine to 5e-5 after 50 warm-up steps, clipping 1.0, seed 1337.
- Wall time: {diffusion_config['training']['wall_seconds'] / 60:.0f} min on the same 2-vCPU machine (1 thread, 2 for the last part),
  plus the AR model's time up to its initialisation checkpoint.
- Recipe and commands: `../../training/README.md`. Loss curve: `loss.csv` (with the loss split by
  mask ratio: t < 0.2 vs t > 0.8).

## Results
- Final train loss (the weighted LLaDA objective, mean of the last 10 logged steps): {diffusion_train:.3f};
  validation objective in training (32 windows, one t each): {diffusion_valid:.3f}.
- **Validation NLL bound (core's Monte-Carlo negative ELBO, {evaluation['boundSamplesPerStory']} stratified samples per story):
  {card['diffusion']['natsPerToken']:.3f} ± {card['diffusion']['standardError']:.3f} nats/token** (standard error), an upper bound on the NLL;
  the AR baseline's exact NLL on the same tokens is {card['ar']['natsPerToken']:.3f}.
  {evaluation_line}

{int8_section("diffusion")}
## Cache-aware graph (`model.cached.onnx`, `model.cached.int8.onnx`)
The same weights exported by `training/export_cached.py` for Fast-dLLM's block KV caches: inputs
`input_ids`, `position_ids` [B, Q], `past_kv` [6, 2, B, 6, C, 32] (keys already rotary-encoded) and
`attention_mask` [B, C + Q]; outputs raw logits (row q predicts position q + 1), `present_kv` of the
query tokens, and a fused confidence head (`top_ids`, `top_probs` [B, Q, 2] and `entropy` [B, Q] of the
softmax with `[MASK]` excluded). With C = 0 it is a full forward equal to `model.onnx`; parity with
PyTorch and with the plain graph is tested in `models/test/cachedParity.test.ts`. Used by the worker
for `cache: "prefix" | "dual"`.

## Samples
Unedited, prompt "{samples['prompt']}", N = 128 new tokens, `{samples['remasking']}` remasking, one block,
Gumbel temperature {samples['temperature']}, seeds {", ".join(map(str, samples['seeds']))}.

### T = 128 (one token per step)
{samples_block(samples['texts']['diffusion N=128 T=128'])}

### T = 32 (four tokens per step)
{samples_block(samples['texts']['diffusion N=128 T=32'])}
"""
    with open(os.path.join(ROOT, "models", "ar", "README.md"), "w") as f:
        f.write(ar_card)
    with open(os.path.join(ROOT, "models", "diffusion", "README.md"), "w") as f:
        f.write(diffusion_card)
    print("wrote models/ar/README.md and models/diffusion/README.md")


if __name__ == "__main__":
    main()
