/**
 * A small XML well-formedness check for the SVG tests: one root element,
 * every tag closed in order, attributes quoted and unique, entities
 * known. Returns the problems found (empty when well-formed).
 */

const NAME = '[A-Za-z_:][-A-Za-z0-9_:.]*';
const TOKEN = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<[^>]*>|[^<]+/g;
const OPEN = new RegExp(`^<(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>$`);
const CLOSE = new RegExp(`^</(${NAME})\\s*>$`);
const ATTRIBUTE = new RegExp(`(${NAME})\\s*=`, 'g');
const ENTITY = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;

export function xmlProblems(text: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  let roots = 0;

  for (const [token] of text.matchAll(TOKEN)) {
    if (token.startsWith('<!--') || token.startsWith('<?') ||
      token.startsWith('<!DOCTYPE')) continue;

    if (!token.startsWith('<')) {
      if (stack.length === 0 && token.trim() !== '') {
        problems.push(`text outside the root: ${token.slice(0, 40)}`);
      }
      if (ENTITY.test(token)) problems.push(`bad entity in ${token.slice(0, 40)}`);
      continue;
    }

    const close = CLOSE.exec(token);
    if (close) {
      const open = stack.pop();
      if (open !== close[1]) {
        problems.push(`</${close[1]}> closes <${open ?? 'nothing'}>`);
      }
      continue;
    }

    const open = OPEN.exec(token);
    if (!open) {
      problems.push(`malformed tag ${token.slice(0, 60)}`);
      continue;
    }
    const names = [...open[2].matchAll(ATTRIBUTE)].map((m) => m[1]);
    if (new Set(names).size !== names.length) {
      problems.push(`duplicate attribute in ${token.slice(0, 60)}`);
    }
    if (ENTITY.test(open[2])) problems.push(`bad entity in ${token.slice(0, 60)}`);
    if (stack.length === 0) roots += 1;
    if (open[3] !== '/') stack.push(open[1]);
  }

  if (stack.length > 0) problems.push(`unclosed <${stack.join('> <')}>`);
  if (roots !== 1) problems.push(`${roots} root elements`);

  return problems;
}

/** The `aria-label`s of the items of one Vega mark (by its name). */
export function markLabels(svg: string, markName: string): string[] {
  const start = svg.indexOf(`role-mark ${markName}"`);
  if (start < 0) return [];

  // A mark's items are the paths up to the end of its group element.
  const end = svg.indexOf('</g>', start);
  const body = svg.slice(start, end);

  return [...body.matchAll(/<(?:path|line|text) aria-label="([^"]*)"/g)]
    .map((m) => m[1]);
}

/** Text content of every `<text>` element. */
export function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1].replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'),
  );
}
