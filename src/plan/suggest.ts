/**
 * "Did you mean …?" for misspelled keys. Distance is the optimal string
 * alignment variant of Damerau–Levenshtein (an adjacent swap costs one),
 * compared case-insensitively so `stepratio` finds `stepRatio`.
 */

export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();

  // Three rolling rows: the swap rule looks two rows back.
  let before = new Array<number>(t.length + 1).fill(0);
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j);
  let current = new Array<number>(t.length + 1).fill(0);

  for (let i = 1; i <= s.length; i++) {
    current[0] = i;

    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + cost,
      );

      const swapped =
        i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1];
      if (swapped) best = Math.min(best, before[j - 2] + 1);

      current[j] = best;
    }

    [before, previous, current] = [previous, current, before];
  }

  return previous[t.length];
}

/**
 * The closest known word, if it is close enough to be a plausible typo:
 * at most a third of the word's length (and at least one edit) away, or
 * a known word that starts with it.
 */
export function closest(
  word: string,
  known: readonly string[],
): string | undefined {
  const normalised = word.replace(/[-_\s]/g, '');
  let best: string | undefined;
  let bestDistance = Infinity;

  for (const candidate of known) {
    const distance = Math.min(
      editDistance(word, candidate),
      editDistance(normalised, candidate),
    );

    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }

  const allowed = Math.max(1, Math.floor(word.length / 3));
  if (bestDistance <= allowed) return best;

  // A clipped word (`gauss`, `imbal`) is a plausible typo too.
  const lower = normalised.toLowerCase();
  if (lower.length < 3) return undefined;

  return known.find((candidate) =>
    candidate.toLowerCase().startsWith(lower),
  );
}
