import type { KeyLimits } from "../limits/keyLimits.js";

/** What the key list shows: never the key, never its hash. */
export interface KeySummary {
  id: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
  limits: KeyLimits;
}

interface KeyRecord extends KeySummary {
  hashHex: string;
}

const recordName = (id: string): string => `key:${id}`;

/**
 * API key records in KV (eventually consistent: a revocation is enforced at once by the key's
 * Durable Object, KV only catches up). The summary rides along as metadata so listing needs no reads.
 */
export class KeyStore {
  constructor(private readonly kv: KVNamespace) {}

  async hashOf(id: string): Promise<string | null> {
    const record = await this.kv.get<KeyRecord>(recordName(id), "json");
    return record === null || record.revokedAt !== null ? null : record.hashHex;
  }

  async get(id: string): Promise<KeySummary | null> {
    const record = await this.kv.get<KeyRecord>(recordName(id), "json");
    return record === null ? null : summaryOf(record);
  }

  async put(record: KeyRecord): Promise<void> {
    await this.kv.put(recordName(record.id), JSON.stringify(record), { metadata: summaryOf(record) });
  }

  async update(id: string, change: Partial<Pick<KeySummary, "limits" | "revokedAt">>): Promise<KeySummary | null> {
    const record = await this.kv.get<KeyRecord>(recordName(id), "json");
    if (record === null) return null;
    const updated = { ...record, ...change };
    await this.put(updated);
    return summaryOf(updated);
  }

  async list(): Promise<KeySummary[]> {
    const summaries: KeySummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.kv.list<KeySummary>({ prefix: "key:", ...(cursor === undefined ? {} : { cursor }) });
      for (const entry of page.keys) if (entry.metadata !== undefined) summaries.push(entry.metadata);
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor !== undefined);
    return summaries;
  }
}

const summaryOf = ({ id, name, createdAt, revokedAt, limits }: KeySummary): KeySummary =>
  ({ id, name, createdAt, revokedAt, limits });
