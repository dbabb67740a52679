// Measures diffusion throughput at 1, 4 and 8 concurrent clients with continuous batching on and off
// (MAX_BATCH_ROWS=1). Besides wall-clock requests/s it reports process CPU time and onnxruntime runs
// per request, which stay meaningful on a shared, busy machine.
// Run after `tsc -b`: node scripts/batchingGain.mjs [requests per level]
import { startWorker } from "../dist/index.js"

const total = Number(process.argv[2] ?? 8)
const body = (i) => JSON.stringify({ prompt: "Once upon a time, there was a", maxTokens: 32, steps: 16, temperature: 0.7, seed: i })

const modelRuns = async (worker) => {
  const text = await (await fetch(`${worker.url}/metrics`)).text()
  const line = text.split("\n").find((l) => l.startsWith('unmask_model_calls_total{graph="diffusion",model="diffusion"}'))
  return line === undefined ? 0 : Number(line.split(" ")[1])
}

const measure = async (worker, concurrency) => {
  let next = 0
  const client = async () => {
    while (next < total) {
      const i = next++
      const response = await fetch(`${worker.url}/v1/generate`, { method: "POST", body: body(i) })
      if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${await response.text()}`)
      await response.json()
    }
  }
  const runsBefore = await modelRuns(worker)
  const cpuBefore = process.cpuUsage()
  const started = performance.now()
  await Promise.all(Array.from({ length: concurrency }, client))
  const seconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpuBefore)
  return {
    requestsPerSecond: total / seconds,
    cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / total,
    runsPerRequest: ((await modelRuns(worker)) - runsBefore) / total,
  }
}

const rows = []
for (const [mode, extra] of [["batched", {}], ["unbatched", { MAX_BATCH_ROWS: "1" }]]) {
  const worker = await startWorker({ env: { ...process.env, PORT: "0", HOST: "127.0.0.1", ALLOW_UNSIGNED: "1", ...extra } })
  await measure(worker, 1) // warm-up
  for (const concurrency of [1, 4, 8]) rows.push({ mode, concurrency, ...(await measure(worker, concurrency)) })
  await worker.close()
}
const [sequential] = rows
console.table(rows.map((row) => ({
  mode: row.mode,
  clients: row.concurrency,
  "req/s": row.requestsPerSecond.toFixed(2),
  "gain vs sequential": (row.requestsPerSecond / sequential.requestsPerSecond).toFixed(2),
  "cpu ms/req": row.cpuMsPerRequest.toFixed(0),
  "ort runs/req": row.runsPerRequest.toFixed(1),
})))
