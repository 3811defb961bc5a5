/**
 * The benchmark report: sections of notes and tables, rendered once as
 * Markdown for bench/RESULTS.md and for stdout (the same text, so what a
 * reader sees in the file is what the run printed).
 */

export interface Table {
  headers: string[];
  rows: string[][];
  /** Columns aligned right (numbers); the others left. */
  numeric?: boolean[];
}

export interface Section {
  title: string;
  /** Paragraphs before the tables. */
  notes: string[];
  tables: Table[];
  /** Paragraphs after the tables (caveats, skipped parts). */
  footnotes: string[];
}

export function section(title: string): Section {
  return { title, notes: [], tables: [], footnotes: [] };
}

/** A Markdown pipe table with padded columns (readable as plain text). */
export function renderTable(table: Table): string {
  const widths = table.headers.map((h, c) =>
    Math.max(h.length, ...table.rows.map((r) => (r[c] ?? '').length)),
  );
  const cell = (text: string, c: number) =>
    table.numeric?.[c] ? text.padStart(widths[c]) : text.padEnd(widths[c]);
  const line = (cells: string[]) =>
    `| ${cells.map((t, c) => cell(t, c)).join(' | ')} |`;
  const rule = widths.map((w, c) =>
    table.numeric?.[c] ? '-'.repeat(w - 1) + ':' : '-'.repeat(w),
  );

  return [
    line(table.headers),
    `|${rule.map((r) => ` ${r} `).join('|')}|`,
    ...table.rows.map(line),
  ].join('\n');
}

export function renderSection(s: Section): string {
  const parts = [`## ${s.title}`];
  for (const note of s.notes) parts.push(note);
  for (const table of s.tables) parts.push(renderTable(table));
  for (const note of s.footnotes) parts.push(note);

  return parts.join('\n\n');
}

export function renderReport(
  title: string,
  header: string[],
  sections: Section[],
): string {
  return [
    `# ${title}`,
    header.join('\n'),
    ...sections.map(renderSection),
  ].join('\n\n') + '\n';
}
