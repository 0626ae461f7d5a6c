import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface DashboardFile {
  body: Buffer;
  /** the same body gzip-compressed, for text files worth it */
  gzip: Buffer | null;
  type: string;
  etag: string;
  /** Vite's hashed assets never change under their name */
  immutable: boolean;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/**
 * The built dashboard (dist/apps/api/web), read once at start into memory: it is a few
 * hundred KiB, and a lookup by exact URL path in a map can never be walked out of the
 * folder (no `..`, no symlinks followed at request time).
 */
export class DashboardFiles {
  private constructor(
    readonly dir: string,
    private readonly files: Map<string, DashboardFile>,
  ) {}

  static load(dir: string): DashboardFiles {
    const files = new Map<string, DashboardFile>();
    if (existsSync(join(dir, 'index.html'))) {
      for (const path of walk(dir)) {
        const body = readFileSync(path);
        const ext = extname(path);
        const type = TYPES[ext] ?? 'application/octet-stream';
        const urlPath = `/${relative(dir, path).split(sep).join('/')}`;
        const compressible = /^(text\/|application\/(json|manifest)|image\/svg)/.test(type) && body.length > 1024;
        files.set(urlPath, {
          body,
          gzip: compressible ? gzipSync(body, { level: 9 }) : null,
          type,
          etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
          immutable: urlPath.startsWith('/assets/'),
        });
      }
    }
    return new DashboardFiles(dir, files);
  }

  get built(): boolean {
    return this.files.has('/index.html');
  }

  get(urlPath: string): DashboardFile | undefined {
    return this.files.get(urlPath);
  }
}

function* walk(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}
