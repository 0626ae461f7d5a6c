/** Server-Sent Events as a test reads them from a fetch Response. */
export type SseEvent = { event: string; data: { [k: string]: unknown; line?: string; stream?: string } | null };

/** Reads Server-Sent Events from a response until `until` says stop or the time is up. */
export async function readEvents(res: Response, until: (events: SseEvent[]) => boolean, timeoutMs: number) {
  const events: SseEvent[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const deadline = Date.now() + timeoutMs;
  while (!until(events) && Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), Math.max(1, deadline - Date.now())))]);
    if (!chunk || chunk.done) break;
    buffer += decoder.decode(chunk.value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (block.startsWith(':')) continue;
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
      const data = /^data: (.*)$/m.exec(block)?.[1];
      events.push({ event, data: data ? JSON.parse(data) : null });
    }
  }
  await reader.cancel().catch(() => undefined);
  return events;
}
