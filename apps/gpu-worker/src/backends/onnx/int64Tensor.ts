import { Tensor } from "onnxruntime-node"

/** An int64 tensor from int32 ids (the graphs take int64 ids and masks). */
export const int64Tensor = (values: Int32Array, dims: ReadonlyArray<number>): Tensor => {
  const data = new BigInt64Array(values.length)
  for (let i = 0; i < values.length; i++) data[i] = BigInt(values[i]!)
  return new Tensor("int64", data, dims)
}
