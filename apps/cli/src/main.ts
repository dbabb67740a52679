import { type ParsedCommand, parseCommand } from "./args.js"
import { compareTable } from "./compare.js"
import { type Connection, connect } from "./connect.js"
import { CliError, UsageError } from "./errors.js"
import { ExitCode } from "./exitCodes.js"
import { generate, modesToRun } from "./generate.js"
import type { CliOptions } from "./options.js"
import { resultJson } from "./render/json.js"
import { plainView } from "./render/plain.js"
import type { Output, RunView } from "./render/RunView.js"
import { colorWanted, makeStyle } from "./render/style.js"
import { ttyView } from "./render/tty.js"
import type { RunResult } from "./runResult.js"
import { loadVocabulary } from "./tokenPieces.js"
import { USAGE } from "./usage.js"

const stdout: Output = { write: (text) => void process.stdout.write(text) }
const stderrLine = (line: string) => void process.stderr.write(`unmask: ${line}\n`)

const silentView: RunView = { begin: () => {}, step: () => {}, done: () => {}, abort: () => {} }

const readStdin = async (): Promise<string> => {
  const chunks: Array<Buffer> = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString("utf8")
}

const resolveCommand = async (command: ParsedCommand): Promise<ParsedCommand> => {
  if (command._tag !== "NeedsPrompt") return command
  if (process.stdin.isTTY) throw new UsageError("no prompt: give it as an argument, e.g. unmask \"Once upon a time\"")
  return command.complete((await readStdin()).replace(/\r?\n$/, ""))
}

const makeView = (options: CliOptions, env: NodeJS.ProcessEnv): RunView => {
  if (options.output !== "auto") return silentView
  const live = process.stdout.isTTY === true && env["TERM"] !== "dumb"
  if (!live) return plainView(stdout, options.prompt, { headers: options.compare, suffix: options.suffix })
  return ttyView(
    { ...stdout, columns: () => (process.stdout.columns > 0 ? process.stdout.columns : 80) },
    options.prompt,
    makeStyle(colorWanted(env)),
    loadVocabulary(env),
    { headers: options.compare, suffix: options.suffix },
  )
}

const printResults = (options: CliOptions, connection: Connection, results: ReadonlyArray<RunResult>) => {
  if (options.output === "json") {
    const worker = connection.local === undefined
      ? { url: connection.endpoint.url, inProcess: false }
      : { url: null, inProcess: true, provider: connection.local.provider }
    stdout.write(`${JSON.stringify(resultJson(options.prompt, worker, results, options.compare))}\n`)
  } else if (options.output === "quiet") {
    for (const result of results) {
      stdout.write(options.compare ? `[${result.mode}] ${result.response.text}\n` : `${result.response.text}\n`)
    }
  } else if (options.compare) {
    stdout.write(`\n${compareTable(results)}`)
  }
}

const withTimeout = (promise: Promise<void>, ms: number) =>
  Promise.race([promise.catch(() => {}), new Promise<void>((resolve) => setTimeout(resolve, ms).unref())])

const main = async (): Promise<number> => {
  const env = process.env
  let command: ParsedCommand
  try {
    command = await resolveCommand(parseCommand(process.argv.slice(2), env))
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    stderrLine(`${error.message}\n(unmask --help lists the options)`)
    return ExitCode.usage
  }
  if (command._tag === "Help") {
    stdout.write(USAGE)
    return ExitCode.ok
  }
  if (command._tag !== "Run") throw new Error("unreachable: the prompt was resolved")
  const { options, warnings } = command
  for (const warning of warnings) stderrLine(`warning: ${warning}`)

  const controller = new AbortController()
  const view = makeView(options, env)
  const interrupt = (signal: NodeJS.Signals, code: number) => {
    controller.abort()
    view.abort()
    stderrLine(`${signal === "SIGINT" ? "cancelled" : `stopped by ${signal}`}`)
    process.exit(code)
  }
  process.once("SIGINT", () => interrupt("SIGINT", ExitCode.interrupted))
  process.once("SIGTERM", () => interrupt("SIGTERM", 143))
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(ExitCode.ok)
  })

  let connection: Connection | undefined
  try {
    connection = await connect(options, env, stderrLine)
    const results: Array<RunResult> = []
    for (const mode of modesToRun(options)) {
      results.push(await generate(connection.endpoint, options, mode, view, controller.signal))
    }
    printResults(options, connection, results)
    return ExitCode.ok
  } catch (error) {
    view.abort()
    if (error instanceof CliError) {
      stderrLine(error.message)
      return error.exitCode
    }
    stderrLine(`unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    return ExitCode.failure
  } finally {
    if (connection !== undefined) await withTimeout(connection.close(), 2000)
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    stderrLine(`unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`)
    process.exit(ExitCode.failure)
  },
)
