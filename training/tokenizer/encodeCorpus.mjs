// Encodes the TinyStories splits into uint16 token files for training (outside git, in training/.cache).
// Each story is followed by <|endoftext|>.
// Usage: node training/tokenizer/encodeCorpus.mjs [dataDir] [outDir]
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Tokenizer } from "tokenizers";

const dataDir = process.argv[2] ?? new URL("../../../shared/data/tinystories/", import.meta.url).pathname;
const outDir = process.argv[3] ?? new URL("../.cache/", import.meta.url).pathname;
const tokenizer = Tokenizer.fromFile(new URL("../../models/tokenizer/tokenizer.json", import.meta.url).pathname);
const eot = tokenizer.tokenToId("<|endoftext|>");
mkdirSync(outDir, { recursive: true });

for (const split of ["train", "valid"]) {
  const stories = readFileSync(join(dataDir, `${split}.txt`), "utf8").split("\n<|endoftext|>\n").filter((s) => s.length > 0);
  const encodings = await tokenizer.encodeBatch(stories);
  const ids = [];
  for (const e of encodings) ids.push(...e.getIds(), eot);
  writeFileSync(join(outDir, `${split}.bin`), Buffer.from(new Uint16Array(ids).buffer));
  console.log(`${split}: ${stories.length} stories, ${ids.length} tokens, ${(stories.join("").length / (ids.length - stories.length)).toFixed(2)} chars/token`);
}
