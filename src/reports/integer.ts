/**
 * Whole numbers with thousands separators ("12,345"), for the weekly report and the admin pages.
 * The formatter is made on first use, not at import: Intl's first use maps about 5 MB of ICU data
 * into the process, which an API whose admin pages are never opened does not need.
 */
let formatter: Intl.NumberFormat | undefined;

export const integer = (n: number): string => (formatter ??= new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })).format(n);
