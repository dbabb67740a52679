import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { cpus, loadavg, totalmem } from "node:os"

export interface MachineDescription {
  readonly cpuModel: string
  readonly logicalCores: number
  readonly memoryGiB: number
  /** 1, 5, 15 minute load averages when the run started: other work shares these cores. */
  readonly loadAverage: ReadonlyArray<number>
  readonly platform: string
  readonly node: string
  readonly onnxruntime: string
  readonly provider: "cpu" | "cuda"
  readonly intraOpThreads: number
}

const packageVersion = (name: string): string => {
  const require = createRequire(import.meta.url)
  const entry = require.resolve(name)
  const root = entry.slice(0, entry.lastIndexOf(`node_modules/${name}/`) + `node_modules/${name}/`.length)
  return (JSON.parse(readFileSync(`${root}package.json`, "utf8")) as { version: string }).version
}

export const describeMachine = (provider: "cpu" | "cuda", intraOpThreads: number): MachineDescription => ({
  cpuModel: cpus()[0]?.model.trim() ?? "unknown",
  logicalCores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
  platform: `${process.platform}-${process.arch}`,
  node: process.version,
  onnxruntime: packageVersion("onnxruntime-node"),
  provider,
  intraOpThreads,
})
