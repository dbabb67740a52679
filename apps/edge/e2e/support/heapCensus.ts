import WebSocket from "ws";

/**
 * How many objects of each named constructor the edge's isolate holds, from a heap snapshot taken
 * over wrangler dev's inspector (Chrome DevTools Protocol; the snapshot starts with a full GC).
 * A count, not a size: what finished requests leave behind shows up exactly.
 */
export const heapCensus = (inspectorUrl: string, names: readonly string[]): Promise<Record<string, number>> =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(inspectorUrl);
    // wrangler's proxy shares the socket with its own calls: an id of ours starts at a random offset.
    const id = 1_000_000_000 + Math.floor(Math.random() * 1_000_000_000);
    const chunks: string[] = [];
    socket.on("error", reject);
    socket.on("open", () => socket.send(JSON.stringify({ id, method: "HeapProfiler.takeHeapSnapshot", params: { reportProgress: false } })));
    socket.on("message", (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { id?: number; method?: string; params?: { chunk: string } };
      if (message.method === "HeapProfiler.addHeapSnapshotChunk") chunks.push(message.params!.chunk);
      if (message.id !== id) return;
      socket.close();
      resolve(countByName(JSON.parse(chunks.join("")), names));
    });
  });

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[] } };
  nodes: number[];
  strings: string[];
}

const countByName = (heap: HeapSnapshot, names: readonly string[]): Record<string, number> => {
  const fields = heap.snapshot.meta.node_fields;
  const nameField = fields.indexOf("name");
  const counts = Object.fromEntries(names.map((name) => [name, 0]));
  for (let node = 0; node < heap.nodes.length; node += fields.length) {
    const name = heap.strings[heap.nodes[node + nameField]!]!;
    if (name in counts) counts[name]!++;
  }
  return counts;
};
