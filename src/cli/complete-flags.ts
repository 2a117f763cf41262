// Flag names for completion, from the same option tables the parsers use:
// `--cache` (default on) is offered as `--no-cache`, and a one-letter alias
// as `-p`, never yargs's `--p`.
type OptionTable = Record<string, { alias?: string; type?: string; default?: unknown }>;

export function flagWords(table: OptionTable): string[] {
  const words: string[] = [];
  for (const [name, def] of Object.entries(table)) {
    words.push(def.type === 'boolean' && def.default === true ? `--no-${name}` : `--${name}`);
    if (def.alias?.length === 1) words.push(`-${def.alias}`);
  }
  return words;
}

/** Completion words for `current`: the flags that start with it (nothing for a word that is not a flag). */
export function completeFlags(table: OptionTable, current: string, extra: string[] = []): string[] {
  if (!current.startsWith('-')) return [];
  return [...flagWords(table), ...extra].filter((w) => w.startsWith(current));
}
