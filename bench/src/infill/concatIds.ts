/** Token id runs joined into one sequence. */
export const concatIds = (...parts: ReadonlyArray<ArrayLike<number>>): Int32Array => {
  const joined = new Int32Array(parts.reduce((total, part) => total + part.length, 0))
  let offset = 0
  for (const part of parts) {
    joined.set(part, offset)
    offset += part.length
  }
  return joined
}
