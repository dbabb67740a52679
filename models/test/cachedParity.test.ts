import { readFileSync } from "node:fs"
import * as ort from "onnxruntime-node"
import { beforeAll, describe, expect, it } from "vitest"

// The cache-aware diffusion graph (training/export_cached.py): input_ids/position_ids [B, Q],
// past_kv [n_layer, 2, B, H, C, Dh], attention_mask [B, C + Q] -> raw logits [B, Q, V] (logits[b, q]
// predicts position position_ids[b, q] + 1), present_kv [n_layer, 2, B, H, Q, Dh] and the
// confidence head top_ids/top_probs [B, Q, 2], entropy [B, Q] (mask token excluded).

interface Sample { b: number; q: number; first16: number[]; argmax: number }
interface Stage {
  logits_sample: Sample[]; present_kv_sum: number[]; top_ids: number[][][]; top_probs: number[]; entropy: number[]
}
interface CachedFixture {
  mask_id: number
  canvas: number[]
  full: Stage & { input_ids: number[][]; position_ids: number[][]; present_kv_sample: number[] }
  window: Stage & { query: [number, number]; past_positions: number[][]; attention_mask: number[][] }
}
interface Config {
  vocab_size: number
  special_tokens: { mask: number; bos: number }
  architecture: { n_layer: number; n_head: number; head_dim: number }
  graphs: { fp32: string }
  cached_graphs: { fp32: string; int8: string }
  confidence_head: { top_k: number; excludes: string[] }
}
interface Out { logits: Float32Array; present: Float32Array; topIds: BigInt64Array; topProbs: Float32Array; entropy: Float32Array; Q: number; B: number }

// Every diffusion model that ships a cache-aware graph runs the same suite.
for (const model of ["diffusion", "diffusion-fast"]) {
describe(`models/${model}`, () => {
  const dir = new URL(`../${model}/`, import.meta.url).pathname
  const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, "utf8")) as T
  const config = readJson<Config>(`${dir}config.json`)
  const fixture = readJson<CachedFixture>(`${dir}fixtures/cached.json`)
  const { n_layer: NL, n_head: H, head_dim: DH } = config.architecture
  const V = config.vocab_size
  const MASK = config.special_tokens.mask
  const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, executionProviders: ["cpu"] }
  const int64 = (rows: number[][]) =>
    new ort.Tensor("int64", BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0]!.length])
  const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i)

  let plain: ort.InferenceSession, cached: ort.InferenceSession, cachedInt8: ort.InferenceSession
  beforeAll(async () => {
    ;[plain, cached, cachedInt8] = await Promise.all([
      ort.InferenceSession.create(`${dir}${config.graphs.fp32}`, options),
      ort.InferenceSession.create(`${dir}${config.cached_graphs.fp32}`, options),
      ort.InferenceSession.create(`${dir}${config.cached_graphs.int8}`, options),
    ])
  })

  /** past: Float32Array laid out [NL, 2, B, H, C, DH]. */
  async function run(session: ort.InferenceSession, ids: number[][], pos: number[][], past: Float32Array, C: number, mask?: number[][]): Promise<Out> {
    const B = ids.length, Q = ids[0]!.length
    const out = await session.run({
      input_ids: int64(ids),
      position_ids: int64(pos),
      past_kv: new ort.Tensor("float32", past, [NL, 2, B, H, C, DH]),
      attention_mask: int64(mask ?? ids.map(() => new Array<number>(C + Q).fill(1))),
    })
    expect(out["logits"]!.dims).toEqual([B, Q, V])
    expect(out["present_kv"]!.dims).toEqual([NL, 2, B, H, Q, DH])
    expect(out["top_ids"]!.dims).toEqual([B, Q, 2])
    expect(out["top_probs"]!.dims).toEqual([B, Q, 2])
    expect(out["entropy"]!.dims).toEqual([B, Q])
    return {
      logits: out["logits"]!.data as Float32Array, present: out["present_kv"]!.data as Float32Array,
      topIds: out["top_ids"]!.data as BigInt64Array, topProbs: out["top_probs"]!.data as Float32Array,
      entropy: out["entropy"]!.data as Float32Array, Q, B,
    }
  }

  /** Gathers rows of a present_kv ([NL, 2, srcB, H, T, DH], batch row srcRow) at the given positions
   * (-1 = a padding slot, filled with `fill`) into one batch row of a past_kv [NL, 2, B, H, C, DH]. */
  function gatherPast(present: Float32Array, srcB: number, srcRow: number, T: number, positions: number[], past: Float32Array, B: number, row: number, fill = 0) {
    const C = positions.length
    for (let l = 0; l < NL * 2; l++) for (let h = 0; h < H; h++) {
      positions.forEach((p, c) => {
        const dst = (((l * B + row) * H + h) * C + c) * DH
        if (p < 0) past.fill(fill, dst, dst + DH)
        else past.set(present.subarray((((l * srcB + srcRow) * H + h) * T + p) * DH, (((l * srcB + srcRow) * H + h) * T + p + 1) * DH), dst)
      })
    }
  }

  const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    expect(a.length).toBe(b.length)
    let d = 0
    for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!))
    return d
  }

  /** The confidence head in float64: softmax over the vocabulary with the mask token excluded. */
  function head(row: Float32Array) {
    let max = -Infinity
    for (let v = 0; v < V; v++) if (v !== MASK) max = Math.max(max, row[v]!)
    let sum = 0
    for (let v = 0; v < V; v++) if (v !== MASK) sum += Math.exp(row[v]! - max)
    const logSum = Math.log(sum)
    const p = new Float64Array(V)
    let entropy = 0
    for (let v = 0; v < V; v++) {
      if (v === MASK) continue
      const lp = row[v]! - max - logSum
      p[v] = Math.exp(lp)
      entropy -= p[v]! * lp
    }
    const order = range(0, V).sort((a, b) => p[b]! - p[a]!)
    return { p, ids: order.slice(0, 2), probs: [p[order[0]!]!, p[order[1]!]!], entropy }
  }

  function checkHead(out: Out) {
    let probDev = 0, entropyDev = 0
    for (let i = 0; i < out.B * out.Q; i++) {
      const ref = head(out.logits.subarray(i * V, (i + 1) * V))
      for (let k = 0; k < 2; k++) {
        const id = Number(out.topIds[i * 2 + k])
        expect(id).not.toBe(MASK)
        // exact ids, unless two candidates tie to within float32 noise
        if (id !== ref.ids[k]) expect(Math.abs(ref.p[id]! - ref.probs[k]!)).toBeLessThan(1e-6)
        probDev = Math.max(probDev, Math.abs(out.topProbs[i * 2 + k]! - ref.probs[k]!))
      }
      expect(out.topProbs[i * 2]!).toBeGreaterThanOrEqual(out.topProbs[i * 2 + 1]!)
      entropyDev = Math.max(entropyDev, Math.abs(out.entropy[i]! - ref.entropy))
    }
    return { probDev, entropyDev }
  }

  const L = fixture.canvas.length
  const canvas = fixture.canvas

  describe("cached diffusion graph (model.cached.onnx)", () => {
    let plainLogits: Float32Array
    let full: Out
    beforeAll(async () => {
      plainLogits = (await plain.run({ input_ids: int64([canvas]), attention_mask: int64([canvas.map(() => 1)]) }))["logits"]!.data as Float32Array
      full = await run(cached, [canvas], [range(0, L)], new Float32Array(0), 0)
    })

    it("the config names the graphs and the head; the canvas is a real BOS-led canvas with masks", () => {
      expect(config.cached_graphs).toEqual({ fp32: "model.cached.onnx", int8: "model.cached.int8.onnx" })
      expect(config.confidence_head).toEqual({ top_k: 2, excludes: ["mask"] })
      expect(fixture.mask_id).toBe(MASK)
      expect(L).toBe(256)
      expect(canvas[0]).toBe(config.special_tokens.bos)
      expect(canvas.filter((t) => t === MASK).length).toBeGreaterThan(20)
    })

    it("C = 0: the shifted raw logits equal model.onnx's logits for i >= 1 (1e-4)", () => {
      // pred[i] = raw[i - 1]
      const d = maxDiff(full.logits.subarray(0, (L - 1) * V), plainLogits.subarray(V))
      expect(d).toBeLessThan(1e-4)
    })

    for (const [name, s, e] of [["middle window (dual cache)", 112, 144], ["window to the end (prefix cache)", 208, 256]] as const) {
      it(`exact cache, ${name} [${s}, ${e}): equals the full forward (1e-4)`, async () => {
        const query = range(s - 1, e)
        const pastPositions = range(0, L).filter((p) => p < s - 1 || p >= e)
        const past = new Float32Array(NL * 2 * H * pastPositions.length * DH)
        gatherPast(full.present, 1, 0, L, pastPositions, past, 1, 0)
        const out = await run(cached, [query.map((p) => canvas[p]!)], [query], past, pastPositions.length)
        // shifted: raw[q] predicts query[q] + 1, so raw[0 .. Q - 1) are positions [s, e)
        const d = maxDiff(out.logits.subarray(0, (e - s) * V), plainLogits.subarray(s * V, e * V))
        expect(d).toBeLessThan(1e-4)
        // the queries' keys/values equal the full forward's at the same positions
        const ref = new Float32Array(NL * 2 * H * query.length * DH)
        gatherPast(full.present, 1, 0, L, query, ref, 1, 0)
        expect(maxDiff(out.present, ref)).toBeLessThan(1e-4)
      })
    }

    it("batching with padding: two rows with different C each equal their own unbatched run (1e-4)", async () => {
      // row 0: the canvas, window [112, 144), C = 223; row 1: the first 180 tokens, window [148, 180), C = 147
      const rows = [
        { tokens: canvas, s: 112, e: 144 },
        { tokens: canvas.slice(0, 180), s: 148, e: 180 },
      ]
      const prepared = await Promise.all(rows.map(async ({ tokens, s, e }) => {
        const cache = tokens.length === L ? full : await run(cached, [tokens], [range(0, tokens.length)], new Float32Array(0), 0)
        const query = range(s - 1, e)
        const pastPositions = range(0, tokens.length).filter((p) => p < s - 1 || p >= e)
        return { tokens, query, pastPositions, cache, T: tokens.length }
      }))
      const C = Math.max(...prepared.map((r) => r.pastPositions.length))
      expect(prepared[0]!.pastPositions.length).not.toBe(prepared[1]!.pastPositions.length)
      const past = new Float32Array(NL * 2 * 2 * H * C * DH)
      const masks: number[][] = []
      const singles: Out[] = []
      for (const [b, r] of prepared.entries()) {
        // pad at the end of the past block (just before the queries) with garbage that must be ignored
        const padded = [...r.pastPositions, ...new Array<number>(C - r.pastPositions.length).fill(-1)]
        gatherPast(r.cache.present, 1, 0, r.T, padded, past, 2, b, 3.5)
        masks.push([...padded.map((p) => (p < 0 ? 0 : 1)), ...r.query.map(() => 1)])
        const own = new Float32Array(NL * 2 * H * r.pastPositions.length * DH)
        gatherPast(r.cache.present, 1, 0, r.T, r.pastPositions, own, 1, 0)
        singles.push(await run(cached, [r.query.map((p) => r.tokens[p]!)], [r.query], own, r.pastPositions.length))
      }
      const batched = await run(cached, prepared.map((r) => r.query.map((p) => r.tokens[p]!)), prepared.map((r) => r.query), past, C, masks)
      const Q = batched.Q
      for (const [b, single] of singles.entries()) {
        expect(maxDiff(batched.logits.subarray(b * Q * V, (b + 1) * Q * V), single.logits)).toBeLessThan(1e-4)
        expect(maxDiff(batched.entropy.subarray(b * Q, (b + 1) * Q), single.entropy)).toBeLessThan(1e-4)
        expect(maxDiff(batched.topProbs.subarray(b * Q * 2, (b + 1) * Q * 2), single.topProbs)).toBeLessThan(1e-4)
        expect(Array.from(batched.topIds.subarray(b * Q * 2, (b + 1) * Q * 2, ))).toEqual(Array.from(single.topIds))
        const present = new Float32Array(NL * 2 * H * Q * DH)
        gatherPast(batched.present, 2, b, Q, range(0, Q), present, 1, 0)
        expect(maxDiff(present, single.present)).toBeLessThan(1e-4)
      }
      // and row 1 also equals its own full forward
      const r1 = prepared[1]!
      const r1Plain = (await plain.run({ input_ids: int64([r1.tokens]), attention_mask: int64([r1.tokens.map(() => 1)]) }))["logits"]!.data as Float32Array
      expect(maxDiff(batched.logits.subarray(Q * V, Q * V + 32 * V), r1Plain.subarray(148 * V, 180 * V))).toBeLessThan(1e-4)
    })

    it("the fused head equals top-2 / entropy of softmax(logits) with the mask excluded (1e-5)", () => {
      const { probDev, entropyDev } = checkHead(full)
      expect(probDev).toBeLessThan(1e-5)
      expect(entropyDev).toBeLessThan(1e-5)
    })

    it("matches PyTorch on the export fixture (C = 0, then a padded cached window)", async () => {
      const f = fixture.full
      const B = f.input_ids.length, T = f.input_ids[0]!.length
      const a = await run(cached, f.input_ids, f.position_ids, new Float32Array(0), 0)
      const compare = (out: Out, stage: Stage) => {
        for (const s of stage.logits_sample) {
          const row = out.logits.subarray((s.b * out.Q + s.q) * V, (s.b * out.Q + s.q + 1) * V)
          expect(maxDiff(row.subarray(0, 16), s.first16)).toBeLessThan(1e-4)
          expect(row.indexOf(Math.max(...row))).toBe(s.argmax)
        }
        expect(Array.from(out.topIds, Number)).toEqual(stage.top_ids.flat(2))
        expect(maxDiff(out.topProbs, stage.top_probs)).toBeLessThan(1e-5)
        expect(maxDiff(out.entropy, stage.entropy)).toBeLessThan(1e-4)
        const sums = new Array<number>(NL * 2).fill(0)
        const per = out.present.length / (NL * 2)
        out.present.forEach((x, i) => (sums[Math.floor(i / per)]! += x))
        expect(maxDiff(sums, stage.present_kv_sum)).toBeLessThan(1e-2)
      }
      compare(a, f)
      // present_kv_sample: [NL, 2, B, 4] at head 0, query 3
      const sample: number[] = []
      for (let l = 0; l < NL * 2; l++) for (let b = 0; b < B; b++) for (let j = 0; j < 4; j++) sample.push(a.present[(((l * B + b) * H + 0) * T + 3) * DH + j]!)
      expect(maxDiff(sample, f.present_kv_sample)).toBeLessThan(1e-4)

      const w = fixture.window
      const [qs, qe] = w.query
      const C = w.past_positions[0]!.length
      const past = new Float32Array(NL * 2 * B * H * C * DH)
      w.past_positions.forEach((positions, b) => gatherPast(a.present, B, b, T, positions, past, B, b, 0))
      const ids = f.input_ids.map((r) => r.slice(qs, qe)), pos = f.position_ids.map((r) => r.slice(qs, qe))
      compare(await run(cached, ids, pos, past, C, w.attention_mask), w)
    })

    it("int8: loads, its head is consistent with its own logits, and its top-1 mostly agrees with fp32", async () => {
      const q = await run(cachedInt8, [canvas], [range(0, L)], new Float32Array(0), 0)
      const { probDev, entropyDev } = checkHead(q)
      expect(probDev).toBeLessThan(1e-5)
      expect(entropyDev).toBeLessThan(1e-5)
      let agree = 0
      for (let i = 0; i < L; i++) if (q.topIds[i * 2] === full.topIds[i * 2]) agree++
      // a cached window through the int8 graph, against fp32 on the same window
      const s = 112, e = 144, query = range(s - 1, e)
      const pastPositions = range(0, L).filter((p) => p < s - 1 || p >= e)
      const past = new Float32Array(NL * 2 * H * pastPositions.length * DH)
      gatherPast(q.present, 1, 0, L, pastPositions, past, 1, 0)
      const qw = await run(cachedInt8, [query.map((p) => canvas[p]!)], [query], past, pastPositions.length)
      let windowAgree = 0
      for (let i = 0; i < query.length; i++) if (qw.topIds[i * 2] === full.topIds[query[i]! * 2]) windowAgree++
      console.log(`int8 vs fp32 top-1 agreement: full canvas ${agree}/${L} (${((100 * agree) / L).toFixed(1)} %), cached window ${windowAgree}/${query.length}`)
      expect(agree / L).toBeGreaterThan(0.85)
      expect(windowAgree / query.length).toBeGreaterThan(0.8)
    })
  })
})
}
