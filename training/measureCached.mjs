// What does the cache-aware graph buy? ms per call (onnxruntime-node, CPU, intraOpNumThreads 1,
// median of RUNS calls after warm-up, configurations interleaved) of
//   - model.cached.onnx on a Q = 32 window with C = 224 cached keys (the other positions of a
//     256-token canvas, a Fast-dLLM dual cache), vs model.onnx's full L = 256 forward;
//   - fetching [top_ids, top_probs, entropy, present_kv] vs [logits, present_kv] vs everything
//     (does onnxruntime skip unfetched outputs? does the fused head cost anything?);
//   - optionally the same graph with the head cut off (NOHEAD=path, made with
//     onnx.utils.extract_model(..., ["logits", "present_kv"])), to price the head itself.
// Prints wall and CPU time.
// Usage: node [--expose-gc] training/measureCached.mjs [fp32|int8]   (RUNS=30 by default)
// Without --expose-gc, fetching logits (4 MB at Q = 256) also pays V8's garbage collection of
// earlier calls' outputs, which lands on whichever case runs next.
import { readFileSync } from "node:fs"
import * as ort from "onnxruntime-node"

const precision = process.argv[2] ?? "fp32"
const RUNS = Number(process.env.RUNS ?? 30), WARMUP = 5
const dir = new URL("../models/diffusion/", import.meta.url).pathname
const config = JSON.parse(readFileSync(`${dir}config.json`, "utf8"))
const { n_layer: NL, n_head: H, head_dim: DH } = config.architecture
const options = { intraOpNumThreads: 1, interOpNumThreads: 1, executionProviders: ["cpu"] }
const cached = await ort.InferenceSession.create(`${dir}${config.cached_graphs[precision]}`, options)
const plain = await ort.InferenceSession.create(`${dir}${config.graphs[precision]}`, options)
const noHead = process.env.NOHEAD ? await ort.InferenceSession.create(process.env.NOHEAD, options) : null

const canvas = JSON.parse(readFileSync(`${dir}fixtures/cached.json`, "utf8")).canvas
const L = canvas.length, Q = 32, s = 112 // query positions [s, s + Q), past = the other 224
const int64 = (rows) => new ort.Tensor("int64", BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0].length])
const range = (a, b) => Array.from({ length: b - a }, (_, i) => a + i)
const ones = (n) => new Array(n).fill(1)

// a real cache: present_kv of a C = 0 forward over the whole canvas
const full = await cached.run({
  input_ids: int64([canvas]), position_ids: int64([range(0, L)]),
  past_kv: new ort.Tensor("float32", new Float32Array(0), [NL, 2, 1, H, 0, DH]), attention_mask: int64([ones(L)]),
}, ["present_kv"])
const present = full.present_kv.data
const pastPositions = range(0, L).filter((p) => p < s || p >= s + Q)
const C = pastPositions.length
const past = new Float32Array(NL * 2 * H * C * DH)
for (let lh = 0; lh < NL * 2 * H; lh++) pastPositions.forEach((p, c) => past.set(present.subarray((lh * L + p) * DH, (lh * L + p + 1) * DH), (lh * C + c) * DH))
const query = range(s, s + Q)
const windowFeeds = {
  input_ids: int64([query.map((p) => canvas[p])]), position_ids: int64([query]),
  past_kv: new ort.Tensor("float32", past, [NL, 2, 1, H, C, DH]), attention_mask: int64([ones(C + Q)]),
}
const fullFeeds = {
  input_ids: int64([canvas]), position_ids: int64([range(0, L)]),
  past_kv: new ort.Tensor("float32", new Float32Array(0), [NL, 2, 1, H, 0, DH]), attention_mask: int64([ones(L)]),
}
const HEAD = ["top_ids", "top_probs", "entropy", "present_kv"], RAW = ["logits", "present_kv"], ALL = [...RAW, "top_ids", "top_probs", "entropy"]

const cases = {
  [`plain model.onnx L=${L} full forward [logits]`]: () => plain.run({ input_ids: int64([canvas]), attention_mask: int64([ones(L)]) }),
  [`cached C=0 Q=${L} fetch [logits, present_kv]`]: () => cached.run(fullFeeds, RAW),
  [`cached C=0 Q=${L} fetch [head, present_kv]`]: () => cached.run(fullFeeds, HEAD),
  [`cached C=${C} Q=${Q} fetch [logits, present_kv]`]: () => cached.run(windowFeeds, RAW),
  [`cached C=${C} Q=${Q} fetch [head, present_kv]`]: () => cached.run(windowFeeds, HEAD),
  [`cached C=${C} Q=${Q} fetch all five`]: () => cached.run(windowFeeds, ALL),
  [`cached C=${C} Q=${Q} fetch [top_ids, top_probs, entropy]`]: () => cached.run(windowFeeds, HEAD.slice(0, 3)),
  ...(noHead ? {
    [`no-head graph C=${C} Q=${Q} [logits, present_kv]`]: () => noHead.run(windowFeeds),
    [`no-head graph C=0 Q=${L} [logits, present_kv]`]: () => noHead.run(fullFeeds),
  } : {}),
}
const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]))
const cpu = Object.fromEntries(Object.keys(cases).map((k) => [k, []]))
for (const f of Object.values(cases)) for (let i = 0; i < WARMUP; i++) await f()
for (let r = 0; r < RUNS; r++) for (const [k, f] of Object.entries(cases)) {
  globalThis.gc?.() // with --expose-gc: keep V8 collecting earlier calls' logits out of the timings
  const t = performance.now(), c = process.cpuUsage()
  await f()
  times[k].push(performance.now() - t)
  const dc = process.cpuUsage(c)
  cpu[k].push((dc.user + dc.system) / 1000)
}
const median = (xs) => { const a = [...xs].sort((x, y) => x - y); return (a[(a.length - 1) >> 1] + a[a.length >> 1]) / 2 }
// CPU time (process.cpuUsage: user + system of the whole process) is less disturbed than wall
// time when other processes share the cores.
console.log(`${precision}, intraOpNumThreads 1, gc before each call: ${Boolean(globalThis.gc)}, median of ${RUNS} after ${WARMUP} warm-up calls (ms per call)`)
console.log("   wall      cpu")
for (const [k, xs] of Object.entries(times)) console.log(`${median(xs).toFixed(2).padStart(7)}  ${median(cpu[k]).toFixed(2).padStart(7)}  ${k}`)
