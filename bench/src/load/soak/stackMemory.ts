import type { EdgeHeapProbe } from "./edgeHeapProbe.js"
import { readdirSync, readFileSync } from "node:fs"

/** A process of the stack and its resident memory (/proc/<pid>/status VmRSS). */
interface StackProcess {
  readonly pid: number
  readonly parentPid: number
  readonly commandLine: string
  readonly rssKb: number
}

const readProcess = (pid: number): StackProcess | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    const parentPid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1])
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim()
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))
    return { pid, parentPid, commandLine, rssKb: rss === null ? 0 : Number(rss[1]) }
  } catch {
    return undefined // exited meanwhile, or a kernel thread
  }
}

/** `root` and every process below it. */
const descendantsOf = (root: number): Array<StackProcess> => {
  const all = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry)).flatMap((entry) => readProcess(Number(entry)) ?? [])
  const inTree = new Set([root])
  let grew = true
  while (grew) {
    grew = false
    for (const process of all) {
      if (!inTree.has(process.pid) && inTree.has(process.parentPid)) {
        inTree.add(process.pid)
        grew = true
      }
    }
  }
  return all.filter((process) => inTree.has(process.pid))
}

export interface MemorySample {
  /** Seconds since sampling started. */
  readonly atS: number
  /** The gpu-worker process (node apps/gpu-worker/dist/main.js). */
  readonly workerMb: number
  /** The edge: wrangler dev's workerd processes, together. */
  readonly edgeMb: number
  /** Of those, the one that runs the edge's code (the one with the inspector); the other is wrangler's proxy. */
  readonly edgeRuntimeMb: number
  /** The edge isolate's JS heap after a full GC; NaN on the samples that did not read it. */
  readonly edgeHeapMb: number
  readonly workerPid: number | undefined
}

/** The worker's and the edge's resident memory now, among the processes under `npm start`'s pid. */
export const sampleStackMemory = (stackPid: number, atS: number): Omit<MemorySample, "edgeHeapMb"> => {
  const processes = descendantsOf(stackPid)
  const worker = processes.find((process) => process.commandLine.includes("apps/gpu-worker/dist/main.js"))
  const workerd = processes.filter((process) => /(^|\/)workerd /.test(process.commandLine))
  const mb = (kb: number) => kb / 1024
  return {
    atS,
    workerMb: mb(worker?.rssKb ?? Number.NaN),
    edgeMb: workerd.length === 0 ? Number.NaN : mb(workerd.reduce((sum, process) => sum + process.rssKb, 0)),
    edgeRuntimeMb: mb(workerd.find((process) => process.commandLine.includes("--inspector-addr"))?.rssKb ?? Number.NaN),
    workerPid: worker?.pid,
  }
}

/**
 * Samples every `intervalMs` until stopped; the edge's heap (a heap snapshot, about 1 s of the edge's
 * time) on every `heap.every`-th sample, the first and the last.
 */
export const startMemorySampler = (stackPid: number, intervalMs: number, heap?: { readonly probe: EdgeHeapProbe; readonly every: number }) => {
  const started = Date.now()
  const samples: Array<MemorySample> = []
  const take = async (withHeap: boolean) => {
    const rss = sampleStackMemory(stackPid, (Date.now() - started) / 1000)
    const edgeHeapMb = withHeap && heap !== undefined ? await heap.probe.usedMbAfterGc() : Number.NaN
    samples.push({ ...rss, edgeHeapMb })
  }
  let inFlight = take(true)
  const timer = setInterval(() => {
    inFlight = inFlight.then(() => take(heap !== undefined && samples.length % heap.every === 0))
  }, intervalMs)
  return {
    stop: async (): Promise<ReadonlyArray<MemorySample>> => {
      clearInterval(timer)
      await inFlight
      await take(true)
      return samples
    },
  }
}
