import { readFileSync } from "node:fs"
import * as ort from "onnxruntime-node"
import { describe, expect, it } from "vitest"

interface LogitsSample { b: number; i: number; first16: number[]; argmax: number }
interface Fixture { input_ids: number[][]; attention_mask?: number[][]; logits_sample: LogitsSample[] }

const modelDir = (name: string) => new URL(`../${name}/`, import.meta.url).pathname
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, "utf8")) as T
const int64 = (rows: number[][]) =>
  new ort.Tensor("int64", BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0]!.length])
const session = (name: string) =>
  ort.InferenceSession.create(`${modelDir(name)}model.onnx`, { intraOpNumThreads: 1, executionProviders: ["cpu"] })

function maxDeviation(logits: Float32Array, length: number, vocab: number, samples: LogitsSample[]) {
  let deviation = 0
  for (const s of samples) {
    const row = logits.subarray((s.b * length + s.i) * vocab, (s.b * length + s.i + 1) * vocab)
    s.first16.forEach((expected, j) => (deviation = Math.max(deviation, Math.abs(row[j]! - expected))))
    expect(row.indexOf(Math.max(...row))).toBe(s.argmax)
  }
  return deviation
}

describe("ONNX graphs match PyTorch", () => {
  for (const model of ["diffusion", "diffusion-fast"]) {
    it(`${model}: logits equal PyTorch's on the export fixtures to 1e-4, with padding masked`, async () => {
      const fixture = readJson<Fixture>(`${modelDir(model)}fixtures/parity.json`)
      const { vocab_size } = readJson<{ vocab_size: number }>(`${modelDir(model)}config.json`)
      const out = await (await session(model)).run({
        input_ids: int64(fixture.input_ids),
        attention_mask: int64(fixture.attention_mask!),
      })
      const logits = out["logits"]!.data as Float32Array
      expect(maxDeviation(logits, fixture.input_ids[0]!.length, vocab_size, fixture.logits_sample)).toBeLessThan(1e-4)
    })
  }

  it("ar: prefill logits equal PyTorch's, and cached one-token decoding equals the full forward", async () => {
    const fixture = readJson<Fixture>(`${modelDir("ar")}fixtures/parity.json`)
    const config = readJson<{ vocab_size: number; architecture: { n_layer: number; n_head: number; head_dim: number } }>(
      `${modelDir("ar")}config.json`,
    )
    const { n_layer, n_head, head_dim } = config.architecture
    const V = config.vocab_size
    const ar = await session("ar")
    const emptyPast = (batch: number) => new ort.Tensor("float32", new Float32Array(0), [n_layer, 2, batch, n_head, 0, head_dim])
    const full = await ar.run({ input_ids: int64(fixture.input_ids), past_kv: emptyPast(2) })
    const fullLogits = full["logits"]!.data as Float32Array
    const L = fixture.input_ids[0]!.length
    expect(maxDeviation(fullLogits, L, V, fixture.logits_sample)).toBeLessThan(1e-4)

    let past = emptyPast(1)
    let deviation = 0
    for (const [i, token] of fixture.input_ids[0]!.entries()) {
      const step = await ar.run({ input_ids: int64([[token]]), past_kv: past })
      past = step["present_kv"] as ort.Tensor
      const stepLogits = step["logits"]!.data as Float32Array
      for (let j = 0; j < V; j++) deviation = Math.max(deviation, Math.abs(stepLogits[j]! - fullLogits[i * V + j]!))
    }
    expect(past.dims).toEqual([n_layer, 2, 1, n_head, L, head_dim])
    expect(deviation).toBeLessThan(1e-4)
  })
})
