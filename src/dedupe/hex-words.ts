// Ids as int32 words: 8 lower-case hex characters per word. Memories that hold many span or
// trace ids keep them this way, so no id string stays alive (and gets promoted) for them.

/** Hex digit value per char code (UTF-16 unit); NOT_HEX for anything else, upper case included. */
const NOT_HEX = 0x100;
const HEX = new Int16Array(0x10000).fill(NOT_HEX);
for (let c = 0; c < 10; c++) HEX[48 + c] = c;
for (let c = 0; c < 6; c++) HEX[97 + c] = 10 + c;

/**
 * Parses `words` * 8 lower-case hex characters of `s` into int32s at out[at..]; false when one
 * is not a lower-case hex digit or `s` is shorter (out is then partly written).
 */
export function parseHex(s: string, words: number, out: Int32Array, at: number): boolean {
  if (s.length < 8 * words) return false;
  let bad = 0;
  // Unrolled: eight independent loads per word, then one combine (twice as fast as a loop).
  for (let w = 0, k = 0; w < words; w++, k += 8) {
    const d0 = HEX[s.charCodeAt(k)]!;
    const d1 = HEX[s.charCodeAt(k + 1)]!;
    const d2 = HEX[s.charCodeAt(k + 2)]!;
    const d3 = HEX[s.charCodeAt(k + 3)]!;
    const d4 = HEX[s.charCodeAt(k + 4)]!;
    const d5 = HEX[s.charCodeAt(k + 5)]!;
    const d6 = HEX[s.charCodeAt(k + 6)]!;
    const d7 = HEX[s.charCodeAt(k + 7)]!;
    bad |= d0 | d1 | d2 | d3 | d4 | d5 | d6 | d7;
    out[at + w] = (d0 << 28) | (d1 << 24) | (d2 << 20) | (d3 << 16) | (d4 << 12) | (d5 << 8) | (d6 << 4) | d7;
  }
  return (bad & NOT_HEX) === 0;
}

/** The `words` * 8 lower-case hex characters of words[at..] (parseHex's inverse). */
export function hexOfWords(words: Int32Array, at: number, count: number): string {
  let s = '';
  for (let w = 0; w < count; w++) s += (words[at + w]! >>> 0).toString(16).padStart(8, '0');
  return s;
}
