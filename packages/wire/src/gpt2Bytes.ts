/**
 * GPT-2's bytes_to_unicode, inverted: the printable character that stands for each byte in a
 * byte-level BPE vocabulary → the byte.
 */
export const BYTE_OF_CHAR: ReadonlyMap<string, number> = (() => {
  const bytes: Array<number> = []
  for (let b = 33; b <= 126; b++) bytes.push(b)
  for (let b = 161; b <= 172; b++) bytes.push(b)
  for (let b = 174; b <= 255; b++) bytes.push(b)
  const chars = [...bytes]
  let extra = 0
  for (let b = 0; b < 256; b++) {
    if (!bytes.includes(b)) {
      bytes.push(b)
      chars.push(256 + extra++)
    }
  }
  return new Map(bytes.map((byte, i) => [String.fromCodePoint(chars[i]!), byte]))
})()
