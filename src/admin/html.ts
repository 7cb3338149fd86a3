/**
 * What every admin page shares: escaping, the head (viewport for phones, our stylesheet, scripts
 * by URL only: the CSP forbids inline ones) and the header with its links and payment search.
 */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export type AdminSection = 'dashboard' | 'payments' | 'networks';

export interface LayoutOptions {
  title: string;
  section: AdminSection;
  assetVersion: string;
  /** Asset names, loaded with `defer` in this order. */
  scripts?: string[];
  /** Text of the search box, on the search page. */
  query?: string;
  /** Between the header and the page's own content (the test-data banner). */
  banner?: string;
  body: string;
}

const LINKS: [AdminSection, string, string][] = [
  ['dashboard', '/admin', 'Dashboard'],
  ['payments', '/admin/payments', 'Find a payment'],
  ['networks', '/admin/networks', 'Operators'],
];

export function layout(o: LayoutOptions): string {
  const v = encodeURIComponent(o.assetVersion);
  const scripts = (o.scripts ?? []).map((name) => `<script src="/admin/assets/${name}?v=${v}" defer></script>`).join('\n');
  const nav = LINKS.map(([id, href, text]) => `<a href="${href}" id="${id}-link"${id === o.section ? ' aria-current="page"' : ''}>${text}</a>`).join('\n    ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>feexpay-gateway · ${escapeHtml(o.title)}</title>
<link rel="stylesheet" href="/admin/assets/dashboard.css?v=${v}">
${scripts}
</head>
<body>
<header>
  <h1>feexpay-gateway</h1>
  <nav>
    ${nav}
  </nav>
  <form id="search" method="get" action="/admin/payments" role="search">
    <input type="search" name="q" id="search-q" value="${escapeHtml(o.query ?? '')}" maxlength="128" required placeholder="Payment id or FeexPay reference" aria-label="Payment id or FeexPay reference">
    <button type="submit">Find</button>
  </form>
</header>
${o.banner ?? ''}
${o.body}
</body>
</html>
`;
}
