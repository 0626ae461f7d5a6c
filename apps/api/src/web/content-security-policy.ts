/**
 * The dashboard's Content-Security-Policy: everything from this origin only, no inline
 * script or style, no plugins, never framed. Vite bundles every script and stylesheet
 * into files (apps/api/web/vite.config.mts), so nothing needs more than 'self'.
 * `connect-src 'self'` covers fetch, the log stream (EventSource) and the live WebSocket
 * (CSP Level 3 lets 'self' match ws:/wss: on the same host).
 *
 * In helmet's shape, so main.ts can hand the same directives to helmet
 * (`helmet({ contentSecurityPolicy: { directives: DASHBOARD_CSP_DIRECTIVES } })`); the
 * dashboard's responses carry the header themselves either way, so helmet's default
 * policy (which allows inline styles) never applies to them.
 */
export const DASHBOARD_CSP_DIRECTIVES: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'"],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'manifest-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

export const DASHBOARD_CSP = Object.entries(DASHBOARD_CSP_DIRECTIVES)
  .map(([k, v]) => `${k} ${v.join(' ')}`)
  .join('; ');
