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
  readonly workerPid: number | undefined
}

/** The worker's and the edge's resident memory now, among the processes under `npm start`'s pid. */
export const sampleStackMemory = (stackPid: number, atS: number): MemorySample => {
  const processes = descendantsOf(stackPid)
  const worker = processes.find((process) => process.commandLine.includes("apps/gpu-worker/dist/main.js"))
  const workerd = processes.filter((process) => /(^|\/)workerd /.test(process.commandLine))
  const mb = (kb: number) => kb / 1024
  return {
    atS,
    workerMb: mb(worker?.rssKb ?? Number.NaN),
    edgeMb: workerd.length === 0 ? Number.NaN : mb(workerd.reduce((sum, process) => sum + process.rssKb, 0)),
    workerPid: worker?.pid,
  }
}

/** Samples every `intervalMs` until stopped; resolves with the samples. */
export const startMemorySampler = (stackPid: number, intervalMs: number) => {
  const started = Date.now()
  const samples: Array<MemorySample> = [sampleStackMemory(stackPid, 0)]
  const timer = setInterval(() => samples.push(sampleStackMemory(stackPid, (Date.now() - started) / 1000)), intervalMs)
  return {
    stop: (): ReadonlyArray<MemorySample> => {
      clearInterval(timer)
      samples.push(sampleStackMemory(stackPid, (Date.now() - started) / 1000))
      return samples
    },
  }
}
