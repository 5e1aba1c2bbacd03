/**
 * Child process for the proxy bench: an OpenAI-compatible upstream that answers every chat request
 * after a fixed latency, echoing the first message's content (the request id). It counts how often
 * each id arrived, and reports {requests, duplicates} when the parent asks over IPC.
 */
import { startFakeUpstream } from "../../src/scale/serve/test-helpers/fake-upstream.js";

const latencyMs = Number(process.argv[2] ?? "20");
const seen = new Map<string, number>();
let duplicates = 0;
const upstream = await startFakeUpstream({
  latencyMs,
  respond: (_index, body) => {
    const id = String((body.messages as { content: string }[])[0]?.content);
    const count = (seen.get(id) ?? 0) + 1;
    seen.set(id, count);
    if (count > 1) duplicates++;
    upstream.bodies.length = 0; // keep the upstream's memory flat; the bench tracks ids itself
    return id;
  },
});
process.send?.({ ready: upstream.url });
process.on("message", (message) => {
  if (message === "stats")
    process.send?.({ requests: upstream.stats.requests, distinct: seen.size, duplicates });
  if (message === "exit") void upstream.close().then(() => process.exit(0));
});
