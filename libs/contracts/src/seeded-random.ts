/**
 * mulberry32: a 32-bit generator, small and the same on every platform, so a seed written down
 * today draws the same sequence on any machine later (a QA sample, a test's cases, a bench's
 * tickets). Not for secrets, only for fair, repeatable choice.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
