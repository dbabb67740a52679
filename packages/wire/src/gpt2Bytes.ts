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

const encoder = new TextEncoder()

/** The bytes a byte-level BPE vocabulary piece stands for; a character outside the byte alphabet (an added token's) as its UTF-8. */
export const pieceBytes = (piece: string): Uint8Array => {
  const out: Array<number> = []
  for (const char of piece) {
    const byte = BYTE_OF_CHAR.get(char)
    if (byte === undefined) out.push(...encoder.encode(char))
    else out.push(byte)
  }
  return Uint8Array.from(out)
}
