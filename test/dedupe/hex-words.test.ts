import { describe, expect, it } from 'vitest';
import { hexOfWords, parseHex } from '../../src/dedupe/hex-words.js';

describe('hex words', () => {
  it('parses 32 lower-case hex characters into four words and writes them back exactly', () => {
    const words = new Int32Array(8);
    for (const id of ['0123456789abcdef0123456789abcdef', 'ffffffff80000000000000017fffffff', '00000000000000000000000000000001']) {
      expect(parseHex(id, 4, words, 4)).toBe(true);
      expect(hexOfWords(words, 4, 4)).toBe(id);
    }
  });

  it('refuses upper case and characters that are not hex digits, including ones above U+00FF', () => {
    const words = new Int32Array(4);
    for (const id of ['0123456789ABCDEF0123456789abcdef', '0123456789abcdeg0123456789abcdef', '0123456789abcde\u01000123456789abcdef']) {
      expect(parseHex(id, 4, words, 0)).toBe(false);
    }
  });
});
