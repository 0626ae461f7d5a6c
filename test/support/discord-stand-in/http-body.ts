/** Request bodies as discord.js sends them: JSON, or multipart/form-data with payload_json and files. */
import type { IncomingMessage } from 'node:http';

export interface ParsedBody {
  body: unknown;
  files: { field: string; filename: string; size: number }[];
  invalid?: boolean;
}

export async function readRaw(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export function parseBody(raw: Buffer, contentType: string | undefined): ParsedBody {
  if (raw.length === 0) return { body: null, files: [] };
  const ct = contentType ?? '';
  if (ct.startsWith('multipart/form-data')) {
    const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(ct);
    if (!m) return { body: null, files: [], invalid: true };
    return parseMultipart(raw, m[1] ?? m[2]!);
  }
  const text = raw.toString('utf8');
  try {
    return { body: JSON.parse(text), files: [] };
  } catch {
    return { body: text, files: [], invalid: ct.includes('json') };
  }
}

function parseMultipart(raw: Buffer, boundary: string): ParsedBody {
  const delim = Buffer.from('--' + boundary);
  const files: ParsedBody['files'] = [];
  let body: unknown = {};
  let pos = raw.indexOf(delim);
  while (pos !== -1) {
    const start = pos + delim.length;
    if (raw.subarray(start, start + 2).toString() === '--') break;
    const next = raw.indexOf(delim, start);
    if (next === -1) break;
    const part = raw.subarray(start + 2, next - 2); // skip CRLF after delimiter and before the next one
    const headerEnd = part.indexOf('\r\n\r\n');
    const headers = part.subarray(0, headerEnd).toString('utf8');
    const content = part.subarray(headerEnd + 4);
    const name = /name="([^"]*)"/i.exec(headers)?.[1] ?? '';
    const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
    if (filename !== undefined) files.push({ field: name, filename, size: content.length });
    else if (name === 'payload_json') {
      try {
        body = JSON.parse(content.toString('utf8'));
      } catch {
        return { body: null, files, invalid: true };
      }
    }
    pos = next;
  }
  return { body, files };
}
