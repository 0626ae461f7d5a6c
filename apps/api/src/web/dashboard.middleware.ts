import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DASHBOARD_CSP } from './content-security-policy';
import { DashboardFiles, type DashboardFile } from './dashboard-files';

/** Paths the dashboard never answers, even for a browser asking for HTML: they belong to Nest's controllers. */
const NOT_OURS = /^\/(api|health|metrics)(\/|$)/;

/**
 * Serves the built dashboard: a file when the path names one, index.html for any other
 * GET that looks like a page (no file extension), so a reload on /agents/coder-1 works.
 * Everything else (other methods, /api, /health, /metrics, a missing asset) goes on to
 * Nest, whose routes and 404 answer it.
 */
@Injectable()
export class DashboardMiddleware implements NestMiddleware {
  constructor(@Inject(DashboardFiles) private readonly files: DashboardFiles) {}

  use(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const path = decodePath((req.url ?? '/').split('?')[0]!);
    if (path === null || NOT_OURS.test(path)) return next();
    const file = this.files.get(path) ?? (path.slice(path.lastIndexOf('/')).includes('.') ? undefined : this.files.get('/index.html'));
    if (!file) {
      if (!this.files.built && !path.slice(path.lastIndexOf('/')).includes('.')) return notBuilt(res, this.files.dir);
      return next();
    }
    send(req, res, file);
  }
}

function decodePath(raw: string): string | null {
  try {
    const path = decodeURIComponent(raw);
    return path.includes('\0') ? null : path;
  } catch {
    return null;
  }
}

function send(req: IncomingMessage, res: ServerResponse, file: DashboardFile): void {
  res.setHeader('Content-Type', file.type);
  res.setHeader('ETag', file.etag);
  res.setHeader('Cache-Control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Vary', 'Accept-Encoding');
  if (req.headers['if-none-match'] === file.etag) {
    res.statusCode = 304;
    return void res.end();
  }
  const gzip = file.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
  const body = gzip ? file.gzip! : file.body;
  if (gzip) res.setHeader('Content-Encoding', 'gzip');
  res.setHeader('Content-Length', body.length);
  res.statusCode = 200;
  res.end(req.method === 'HEAD' ? undefined : body);
}

function notBuilt(res: ServerResponse, dir: string): void {
  res.statusCode = 503;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.end(`The dashboard is not built (nothing in ${dir}): run npm run build.\n`);
}
