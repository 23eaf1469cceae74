// Ids as int32 words: 8 lower-case hex characters per word. Memories that hold many span or
// trace ids keep them this way, so no id string stays alive (and gets promoted) for them.

/** Hex digit value per char code below 256, -1 for anything else (upper case included). */
const HEX = new Int8Array(256).fill(-1);
for (let c = 0; c < 10; c++) HEX[48 + c] = c;
for (let c = 0; c < 6; c++) HEX[97 + c] = 10 + c;

/**
 * Parses `words` * 8 lower-case hex characters of `s` into int32s at out[at..]; false when one
 * is not a lower-case hex digit (out is then partly written). The caller checks the length.
 */
export function parseHex(s: string, words: number, out: Int32Array, at: number): boolean {
  let bad = 0;
  for (let w = 0; w < words; w++) {
    let acc = 0;
    for (let k = w * 8, end = k + 8; k < end; k++) {
      const c = s.charCodeAt(k);
      const v = HEX[c & 255]! | ((255 - c) >> 31); // -1 for a char code above 255
      bad |= v;
      acc = (acc << 4) | (v & 15);
    }
    out[at + w] = acc;
  }
  return bad >= 0;
}

/** The `words` * 8 lower-case hex characters of words[at..] (parseHex's inverse). */
export function hexOfWords(words: Int32Array, at: number, count: number): string {
  let s = '';
  for (let w = 0; w < count; w++) s += (words[at + w]! >>> 0).toString(16).padStart(8, '0');
  return s;
}
