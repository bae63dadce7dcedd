// tg.setAllocatorTuning: malloc tuning is process-wide, so it is opt-in (issue 18).
import * as fs from 'fs';
import { describe, expect, test } from 'vitest';
import * as tg from '../lib';

// glibc's malloc is the one it tunes (Debian's Node links it). Under AddressSanitizer
// (npm run test:sanitize preloads it) malloc is ASan's, whose mallopt changes nothing.
const glibc = process.platform === 'linux' && !fs.readdirSync('/lib').some((f) => f.startsWith('ld-musl-'));
const asan = (process.env.LD_PRELOAD ?? '').includes('libasan');

describe('setAllocatorTuning', () => {
  test.skipIf(!glibc || asan)('applies on and off with glibc', () => {
    expect(tg.setAllocatorTuning(true)).toBe(true);
    expect(tg.setAllocatorTuning(false)).toBe(true);
  });

  test('a non-boolean is a TypeError naming the function', () => {
    expect(() => tg.setAllocatorTuning('yes' as unknown as boolean)).toThrow(/setAllocatorTuning: expected a boolean/);
  });
});
