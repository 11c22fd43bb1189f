/**
 * Module version order, shared by every service that picks "the" version of a module by name (the catalog
 * for template assignment, the handshake for direct docker assignment), so both pick the same one.
 * Numeric parts compare as numbers (`1.10.0` after `1.9.2`), others as text, and a pre-release
 * (`2.0.0-rc1`) sorts before its release.
 */
export function compareModuleVersions(a: string, b: string): number {
  const [coreA, preA] = splitPre(a);
  const [coreB, preB] = splitPre(b);
  const core = compareParts(coreA, coreB);
  if (core !== 0) return core;
  if (preA === undefined || preB === undefined) return preA === preB ? 0 : preA === undefined ? 1 : -1;
  return compareParts(preA, preB);
}

/** The highest of some versions' holders, or undefined when there are none. */
export function highestModuleVersion<T extends { version: string }>(items: readonly T[]): T | undefined {
  return [...items].sort((x, y) => compareModuleVersions(y.version, x.version))[0];
}

function splitPre(version: string): [string, string | undefined] {
  const plain = version.split('+')[0]!;
  const dash = plain.indexOf('-');
  return dash < 0 ? [plain, undefined] : [plain.slice(0, dash), plain.slice(dash + 1)];
}

function compareParts(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    const nx = /^\d+$/.test(x) ? Number(x) : undefined;
    const ny = /^\d+$/.test(y) ? Number(y) : undefined;
    if (nx !== undefined && ny !== undefined) {
      if (nx !== ny) return nx < ny ? -1 : 1;
    } else if (nx !== undefined || ny !== undefined) {
      return nx !== undefined ? -1 : 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}
