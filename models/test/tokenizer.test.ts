import { Tokenizer as JsTokenizer } from "@huggingface/tokenizers"
import { readFileSync } from "node:fs"
import { Tokenizer as RustTokenizer } from "tokenizers"
import { describe, expect, it } from "vitest"

const tokenizerPath = new URL("../tokenizer/tokenizer.json", import.meta.url).pathname
const validPath = new URL("../../../shared/data/tinystories/valid.txt", import.meta.url).pathname
const stories = readFileSync(validPath, "utf8").split("\n<|endoftext|>\n").filter((s) => s.length > 0)
const unusual = ["emoji 🦄 and 👩‍👩‍👧", "naïve café — “curly” ‘quotes’", "日本語のテキスト", "tabs\tand\n\nblank lines  ", "\u0000\u0001 control bytes"]

describe("tokenizer.json", () => {
  const rust = RustTokenizer.fromFile(tokenizerPath)
  const js = new JsTokenizer(JSON.parse(readFileSync(tokenizerPath, "utf8")), {})

  it("has 4,096 entries with the special tokens at the end", () => {
    expect(rust.getVocabSize(true)).toBe(4096)
    expect(rust.tokenToId("<|endoftext|>")).toBe(4093)
    expect(rust.tokenToId("[MASK]")).toBe(4094)
    expect(rust.tokenToId("[PAD]")).toBe(4095)
  })

  it("gives identical ids in the Rust binding and pure JS, with exact round trips, on the whole valid split", async () => {
    expect(stories.length).toBe(1000)
    const mismatches: string[] = []
    for (const text of [...stories, ...unusual]) {
      const rustIds = (await rust.encode(text)).getIds()
      const jsIds = js.encode(text, { add_special_tokens: false }).ids
      const rustText = await rust.decode(rustIds, false)
      const jsText = js.decode(jsIds, { skip_special_tokens: false })
      if (JSON.stringify(rustIds) !== JSON.stringify(jsIds) || rustText !== text || jsText !== text) {
        mismatches.push(text.slice(0, 60))
      }
    }
    expect(mismatches).toEqual([])
  }, 120_000)

  it("encodes the special tokens as single ids", async () => {
    expect((await rust.encode("a<|endoftext|>[MASK][PAD]")).getIds().slice(-3)).toEqual([4093, 4094, 4095])
  })
})
