import { DEFAULT_GEN_LENGTH, MAX_CFG_SCALE, MAX_FACTOR, MAX_TEMPERATURE, MAX_TOP_K } from "@unmask/core"

/** `unmask --help`. */
export const USAGE = `Usage: unmask [options] <prompt...>
       npm run generate -- [options] <prompt...>      (from the repository root)

Generates a continuation of <prompt> (or of stdin when no prompt is given) with a gpu-worker,
streaming every denoising step. Without --url, when nothing answers at the default URL, the
shipped models run in this process instead.

Worker:
  --url URL              worker to call (default http://127.0.0.1:8788); no in-process fallback
  --secret SECRET        sign requests like the edge (default: $EDGE_SHARED_SECRET); not needed
                         for a worker started with ALLOW_UNSIGNED=1
  --local                run the shipped models in this process; do not try a URL

Mode:
  --mode diffusion|ar    sampler (default diffusion)
  --model NAME           the worker's model for that mode, e.g. diffusion-fast (trained for parallel
                         decoding); default: the worker's (diffusion, ar); with --compare: the
                         diffusion run's
  --compare              run diffusion, then AR, on the same prompt; print both and their timings
  --suffix TEXT          infill: the diffusion completion leads into TEXT (it is the middle of
                         prompt + completion + TEXT); with --compare, AR continues the prompt alone

Sampler (sent only when given; the worker's defaults otherwise):
  --length N             tokens to generate, maxTokens (default ${DEFAULT_GEN_LENGTH})
  --steps N              denoising steps (default --length)                      diffusion
  --block-length N       semi-autoregressive block length, divides --length       diffusion
  --remasking R          low_confidence | random | margin | entropy               diffusion
  --temperature T        0-${MAX_TEMPERATURE}, 0 = greedy (default 0)
  --cfg-scale S          classifier-free guidance scale 0-${MAX_CFG_SCALE} (default 0)          diffusion
  --threshold C          Fast-dLLM parallel decoding: confidence threshold 0-1    diffusion
  --factor F             Fast-dLLM parallel decoding: factor rule, 0 < F <= ${MAX_FACTOR}     diffusion
  --cache none|prefix|dual  KV cache of the cached diffusion graph                diffusion
  --seed N               uint32 (default 0)
  --top-k K              1-${MAX_TOP_K}                                                   ar
  --top-p P              0 < P <= 1                                                ar

Output:
  (default)              a live canvas on a terminal (NO_COLOR turns colours off); otherwise one
                         line per step, the text, and a summary line
  --json                 only one JSON object: the result and its timings
  -q, --quiet            only the generated text
  -h, --help             this help

Exit status: 0 done; 1 unexpected failure; 2 invalid usage or a request the worker rejected as
invalid (400/413); 3 no worker reachable (explicit --url down, or the in-process models failed to
start); 4 the worker refused or failed (401, 503, 5xx, stream error); 130 interrupted (Ctrl-C).
`
