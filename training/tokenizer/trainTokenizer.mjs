// Trains the byte-level BPE tokenizer on the TinyStories train split and prunes it to VOCAB_SIZE.
// The Rust binding always trains 30k entries; BPE ids follow merge order, so keeping the first
// entries (plus every merge whose parts and result survive) yields a valid smaller BPE.
// Usage: node training/tokenizer/trainTokenizer.mjs [dataDir] [outFile]
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BPE, Tokenizer, byteLevelAlphabet, byteLevelPreTokenizer } from "tokenizers";

const VOCAB_SIZE = 4096;
const SPECIAL_TOKENS = ["<|endoftext|>", "[MASK]", "[PAD]"];
const dataDir = process.argv[2] ?? new URL("../../../shared/data/tinystories/", import.meta.url).pathname;
const outFile = process.argv[3] ?? new URL("../../models/tokenizer/tokenizer.json", import.meta.url).pathname;

const stories = readFileSync(join(dataDir, "train.txt"), "utf8").split("\n<|endoftext|>\n").filter((s) => s.length > 0);
const scratch = mkdtempSync(join(tmpdir(), "unmask-tok-"));
const corpus = join(scratch, "stories.txt");
writeFileSync(corpus, stories.join("\n"));

const tokenizer = new Tokenizer(BPE.empty());
tokenizer.setPreTokenizer(byteLevelPreTokenizer(false, true));
tokenizer.train([corpus]);
const trainedFile = join(scratch, "trained.json");
tokenizer.save(trainedFile);
const full = JSON.parse(readFileSync(trainedFile, "utf8"));

const baseSize = VOCAB_SIZE - SPECIAL_TOKENS.length;
const alphabet = byteLevelAlphabet();
const kept = new Map(Object.entries(full.model.vocab).filter(([, id]) => id < baseSize));
const missing = alphabet.filter((ch) => !kept.has(ch));
// Make room for unseen bytes by dropping the latest merges.
const byId = [...kept.entries()].sort((a, b) => a[1] - b[1]);
const isAlphabet = new Set(alphabet);
while (kept.size + missing.length > baseSize) {
  const last = byId.pop();
  if (isAlphabet.has(last[0])) throw new Error("cannot drop an alphabet symbol");
  kept.delete(last[0]);
}
const vocab = {};
let next = 0;
for (const [token] of byId) vocab[token] = next++;
for (const ch of missing) vocab[ch] = next++;
const merges = full.model.merges
  .map((m) => (Array.isArray(m) ? m : m.split(" ")))
  .filter(([a, b]) => a in vocab && b in vocab && a + b in vocab);

const addedTokens = SPECIAL_TOKENS.map((content, i) => ({
  id: baseSize + i,
  content,
  single_word: false,
  lstrip: false,
  rstrip: false,
  normalized: false,
  special: true,
}));

const pruned = {
  version: "1.0",
  truncation: null,
  padding: null,
  added_tokens: addedTokens,
  normalizer: null,
  pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
  post_processor: null,
  decoder: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
  model: {
    type: "BPE",
    dropout: null,
    unk_token: null,
    continuing_subword_prefix: null,
    end_of_word_suffix: null,
    fuse_unk: false,
    byte_fallback: false,
    ignore_merges: false,
    vocab,
    merges,
  },
};
writeFileSync(outFile, JSON.stringify(pruned));
console.log(`wrote ${outFile}: ${next} BPE entries (${missing.length} unseen bytes added), ${merges.length} merges, ${SPECIAL_TOKENS.length} special tokens`);
