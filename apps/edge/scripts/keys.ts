/**
 * Operator CLI for the edge's key-management API.
 *
 *   npm run keys -- create --name alice [--rpm 60] [--tpm 20000] [--concurrent 4] [--daily 1000000]
 *   npm run keys -- list
 *   npm run keys -- show <id>
 *   npm run keys -- usage <id>
 *   npm run keys -- limits <id> [--rpm …] [--tpm …] [--concurrent …] [--daily …]
 *   npm run keys -- revoke <id>
 *
 * Talks to UNMASK_EDGE_URL (default http://127.0.0.1:8787) with UNMASK_ADMIN_SECRET.
 */
import { parseArgs } from "node:util";

const USAGE = `usage: npm run keys -- <create|list|show|usage|limits|revoke> [id] [options]
  create  --name NAME [--rpm N] [--tpm N] [--concurrent N] [--daily N]   (prints the key once)
  list
  show    ID
  usage   ID
  limits  ID [--rpm N] [--tpm N] [--concurrent N] [--daily N]
  revoke  ID
environment: UNMASK_EDGE_URL (default http://127.0.0.1:8787), UNMASK_ADMIN_SECRET (required)`;

const fail = (message: string): never => {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
};

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: "string" },
    rpm: { type: "string" },
    tpm: { type: "string" },
    concurrent: { type: "string" },
    daily: { type: "string" },
  },
});

const count = (flag: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const number = Number(value);
  return Number.isInteger(number) && number >= 1 ? number : fail(`--${flag} must be a positive integer, not "${value}".`);
};

const limitsFromFlags = () =>
  Object.fromEntries(
    Object.entries({
      requestsPerMinute: count("rpm", values.rpm),
      tokensPerMinute: count("tpm", values.tpm),
      concurrentRequests: count("concurrent", values.concurrent),
      tokensPerDay: count("daily", values.daily),
    }).filter(([, value]) => value !== undefined),
  );

const baseUrl = (process.env.UNMASK_EDGE_URL ?? "http://127.0.0.1:8787").replace(/\/$/, "");
const adminSecret = process.env.UNMASK_ADMIN_SECRET ?? fail("UNMASK_ADMIN_SECRET is not set.");

const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${adminSecret}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }).catch((error: unknown) => fail(`Cannot reach the edge at ${baseUrl}: ${error instanceof Error ? error.message : String(error)}`));
  const payload: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const message = (payload as { error?: { message?: string } } | null)?.error?.message ?? response.statusText;
    console.error(`HTTP ${response.status}: ${message}`);
    process.exit(1);
  }
  return payload;
};

const idArgument = (): string => positionals[1] ?? fail(`"${positionals[0]}" needs a key id.`);
const print = (value: unknown): void => console.log(JSON.stringify(value, null, 2));

switch (positionals[0]) {
  case "create": {
    const created = (await call("POST", "/admin/keys", { name: values.name ?? fail("create needs --name."), limits: limitsFromFlags() })) as { key: string };
    print(created);
    console.error("\nThe key is shown only this once; store it now.");
    break;
  }
  case "list":
    print(await call("GET", "/admin/keys"));
    break;
  case "show":
    print(await call("GET", `/admin/keys/${idArgument()}`));
    break;
  case "usage":
    print(await call("GET", `/admin/keys/${idArgument()}/usage`));
    break;
  case "limits":
    print(await call("PATCH", `/admin/keys/${idArgument()}`, { limits: limitsFromFlags() }));
    break;
  case "revoke":
    print(await call("POST", `/admin/keys/${idArgument()}/revoke`));
    break;
  default:
    fail(positionals[0] === undefined ? "Which command?" : `Unknown command "${positionals[0]}".`);
}
