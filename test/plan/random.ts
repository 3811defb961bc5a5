/**
 * A small seeded generator for the fuzz tests (mulberry32), so every run
 * mutates the documents the same way and a failure can be replayed.
 */
export function seeded(seed: number) {
  let state = seed >>> 0;

  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);

    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  const below = (n: number): number => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[below(items.length)];

  return { next, below, pick };
}

export type Random = ReturnType<typeof seeded>;

/** Values of every JSON/YAML type, including awkward ones. */
export const ODD_VALUES: readonly unknown[] = [
  null,
  -1,
  0,
  2.5,
  1e-300,
  1e308,
  'x',
  '1.5',
  '',
  true,
  false,
  [],
  [[]],
  [1, 'a'],
  {},
  { from: 0, to: 1, count: 3 },
  { kind: 'singular', values: [1e9] },
  { family: 'targeted' },
  [[1, 2], [3]],
  Array.from({ length: 5 }, (_, i) => i),
];

/** Paths to every node of a JSON-like tree. */
export function allPaths(value: unknown, prefix: (string | number)[] = []) {
  const paths: (string | number)[][] = [prefix];
  if (Array.isArray(value)) {
    value.forEach((item, index) =>
      paths.push(...allPaths(item, [...prefix, index])),
    );
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      paths.push(...allPaths(item, [...prefix, key]));
    }
  }

  return paths;
}

/** A deep copy of `root` with one random structural change. */
export function mutateTree(root: unknown, random: Random): unknown {
  const copy = structuredClone(root);
  const paths = allPaths(copy).filter((path) => path.length > 0);
  if (paths.length === 0) return random.pick(ODD_VALUES);

  const path = random.pick(paths);
  const parent = path
    .slice(0, -1)
    .reduce<any>((node, key) => node[key], copy);
  const last = path[path.length - 1];

  switch (random.below(4)) {
    case 0:
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
      break;
    case 1:
      parent[last] = structuredClone(random.pick(ODD_VALUES));
      break;
    case 2:
      if (Array.isArray(parent)) parent.push(structuredClone(parent[last as number]));
      else parent[`${String(last)}x`] = parent[last];
      break;
    default:
      parent[last] = [parent[last]];
  }

  return copy;
}

const GARBAGE = [
  ':', '-', '[', ']', '{', '}', ',', '&a ', '*a', '!!binary ', '"', "'",
  '#', '\t', '\n', '  ', '.nan', '-.inf', '1e999', 'null', '~', '? ', '|',
  '>', '%', '@', '`', '\u0000', '\uFFFD', '💥', '\\', '0x1F', '---\n',
];

/** One random change to the text of a document. */
export function mutateText(text: string, random: Random): string {
  const lines = text.split('\n');
  const line = random.below(lines.length);

  switch (random.below(6)) {
    case 0:
      lines.splice(line, 1);
      return lines.join('\n');
    case 1:
      lines.splice(line, 0, lines[random.below(lines.length)]);
      return lines.join('\n');
    case 2:
      return text.slice(0, random.below(text.length + 1));
    case 3: {
      const at = random.below(text.length + 1);
      return text.slice(0, at) + random.pick(GARBAGE) + text.slice(at);
    }
    case 4: {
      const at = random.below(text.length);
      return text.slice(0, at) + text.slice(at + 1 + random.below(4));
    }
    default:
      lines[line] = random.next() < 0.5
        ? `  ${lines[line]}`
        : lines[line].replace(/^ {1,2}/, '');
      return lines.join('\n');
  }
}
