import type { ProbeOutcome } from '@sacp/domain';

/** GET http://host:port/path; any 2xx or 3xx answer within the timeout is healthy, as Kubernetes counts it. */
export async function httpProbe(host: string, port: number, path: string, timeoutMs: number, at: () => string): Promise<ProbeOutcome> {
  const url = `http://${host}:${port}${path}`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual', headers: { 'user-agent': 'sacp-monitor' } });
    const body = (await res.text().catch(() => '')).slice(0, 200).trim();
    const ok = res.status >= 200 && res.status < 400;
    return { ok, output: `GET ${path} answered ${res.status}${body ? `: ${body}` : ''}`, at: at() };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.message);
    return { ok: false, output: `GET ${path} failed: ${why}`, at: at() };
  }
}
