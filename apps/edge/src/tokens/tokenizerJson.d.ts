/** The shipped tokenizer.json, bundled into the worker by wrangler's esbuild. */
declare module "*/tokenizer/tokenizer.json" {
  const tokenizer: object;
  export default tokenizer;
}
