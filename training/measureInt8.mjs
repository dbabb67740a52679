// Is the int8 graph worth keeping? Times fp32 vs int8 in one run (interleaved, 1 thread) and
// compares validation loss on the same inputs: AR exact NLL; diffusion the LLaDA loss with the
// same masks for both graphs. Writes models/<kind>/int8-check.json.
// Usage: node training/measureInt8.mjs <ar|diffusion> <int8.onnx>
import { readFileSync, writeFileSync } from "node:fs"
import * as ort from "onnxruntime-node"

const [kind, int8Path] = process.argv.slice(2)
const dir = new URL(`../models/${kind}/`, import.meta.url).pathname
const config = JSON.parse(readFileSync(`${dir}config.json`, "utf8"))
const { n_layer, n_head, head_dim } = config.architecture
const V = config.vocab_size
const options = { intraOpNumThreads: 1, executionProviders: ["cpu"] }
const sessions = { fp32: await ort.InferenceSession.create(`${dir}model.onnx`, options), int8: await ort.InferenceSession.create(int8Path, options) }
const valid = new Uint16Array(readFileSync(new URL("./.cache/valid.bin", import.meta.url)).buffer.slice(0))
const L = 128, WINDOWS = 24
const windows = Array.from({ length: WINDOWS }, (_, w) => Array.from(valid.subarray(w * 4000, w * 4000 + L)))
const int64 = (rows) => new ort.Tensor("int64", BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0].length])
const feeds = (rows) => kind === "ar"
  ? { input_ids: int64(rows), past_kv: new ort.Tensor("float32", new Float32Array(0), [n_layer, 2, rows.length, n_head, 0, head_dim]) }
  : { input_ids: int64(rows), attention_mask: int64(rows.map((r) => r.map(() => 1))) }
const logSoftmaxAt = (logits, offset, target) => {
  let max = -Infinity
  for (let v = 0; v < V; v++) max = Math.max(max, logits[offset + v])
  let sum = 0
  for (let v = 0; v < V; v++) sum += Math.exp(logits[offset + v] - max)
  return logits[offset + target] - max - Math.log(sum)
}
let seed = 1
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
const masked = windows.map((row, w) => row.map((t, i) => (i > 0 && rand() < (w + 0.5) / WINDOWS ? 4094 : t)))

const loss = async (name) => {
  let nats = 0, count = 0
  for (const [w, row] of windows.entries()) {
    const input = kind === "ar" ? row : masked[w]
    const logits = (await sessions[name].run(feeds([input])))["logits"].data
    for (let i = 1; i < L; i++) {
      if (kind === "ar") { nats -= logSoftmaxAt(logits, (i - 1) * V, row[i]); count++ }
      else if (input[i] === 4094) { nats -= logSoftmaxAt(logits, i * V, row[i]); count++ }
    }
  }
  return nats / count
}
const time = async (name, rows, repeats) => {
  const start = performance.now()
  for (let r = 0; r < repeats; r++) await sessions[name].run(feeds(rows))
  return (performance.now() - start) / repeats
}
const shapes = kind === "ar" ? [[1, 1], [1, 128]] : [[1, 64], [1, 192], [4, 128]]
for (const name of ["fp32", "int8"]) await time(name, [windows[0].slice(0, 8)], 3)
const result = { kind, loss: {}, msPerCall: {} }
for (const name of ["fp32", "int8"]) result.loss[name] = await loss(name)
for (const [b, l] of shapes) {
  const rows = windows.slice(0, b).map((r) => r.slice(0, l))
  const key = `B${b}xL${l}`
  result.msPerCall[key] = {}
  for (let round = 0; round < 3; round++) for (const name of ["fp32", "int8"]) {
    const ms = await time(name, rows, 10)
    result.msPerCall[key][name] = Math.min(result.msPerCall[key][name] ?? Infinity, ms)
  }
}
result.lossChange = result.loss.int8 / result.loss.fp32 - 1
writeFileSync(`${dir}int8-check.json`, JSON.stringify(result, null, 1) + "\n")
console.log(JSON.stringify(result, null, 1))
