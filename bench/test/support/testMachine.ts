import type { MachineDescription } from "../../src/machine/describeMachine.js"

/** A made-up machine description for synthetic results. */
export const testMachine: MachineDescription = {
  cpuModel: "test CPU",
  logicalCores: 2,
  memoryGiB: 4,
  loadAverage: [0, 0, 0],
  platform: "linux-x64",
  node: "v20",
  onnxruntime: "1.30.0",
  provider: "cpu",
  intraOpThreads: 1,
}
