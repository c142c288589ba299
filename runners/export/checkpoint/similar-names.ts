// For "no tensor named X": the names a person most likely meant. Checkpoints of one model differ mostly by
// prefix (llava-hf's "language_model.model.layers..." against "model.layers..."), so names sharing the
// longest dotted suffix come first.

export function similarNames(name: string, names: Iterable<string>, limit = 5): string[] {
  const all = [...names];
  // The asked-for name with a prefix the checkpoint lacks.
  const shorter = all.filter((candidate) => name.endsWith(`.${candidate}`));
  if (shorter.length > 0) return shorter.slice(0, limit);
  const parts = name.split('.');
  for (let length = parts.length; length >= 2; length--) {
    const suffix = parts.slice(-length).join('.');
    const matches = all.filter((candidate) => candidate === suffix || candidate.endsWith(`.${suffix}`));
    if (matches.length > 0) return matches.slice(0, limit);
  }
  return [];
}
