import type { Client, ClientEvents } from 'discord.js';

/** The next `event` of a discord.js client whose arguments satisfy `pred`, or a timeout error. */
export function nextEvent<K extends keyof ClientEvents>(
  client: Client,
  event: K,
  pred: (...args: ClientEvents[K]) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<ClientEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(event, listener);
      reject(new Error(`no ${String(event)} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (...args: ClientEvents[K]) => {
      if (!pred(...args)) return;
      clearTimeout(timer);
      client.off(event, listener);
      resolve(args);
    };
    client.on(event, listener as never);
  });
}
