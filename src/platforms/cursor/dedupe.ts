/**
 * Dedupe without holding events. Cursor events have no id, so an event is known by a fingerprint
 * of its fields, and a run over a million events must not keep a million strings (a Set of
 * ~40-char strings costs ~100 MB). We keep a 52-bit hash of each fingerprint in open-addressing
 * tables of doubles (one per hour of events, see aggregate.ts): 8 bytes a slot at most half full,
 * ~16–32 MB per million events, freed when the window is done.
 *
 * Trade-off: two different fingerprints collide with probability about n²/2⁵³ — for a million
 * events ≈ 1 in 9,000 runs, and a collision only matters in a window whose pages shifted (see
 * aggregate.ts: repeats in a stable window are counted, not dropped).
 */

// Two 32-bit lanes with different constants; each word is scrambled (multiply, rotate, multiply)
// before it is folded in, so high bits reach low ones. Module state: hashing is synchronous.
let laneA = 0;
let laneB = 0;
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

function fold(word: number): void {
  let k = Math.imul(word, 0xcc9e2d51);
  k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  laneA ^= k;
  laneA = (Math.imul((laneA << 13) | (laneA >>> 19), 5) + 0xe6546b64) | 0;
  let j = Math.imul(word ^ 0x9e3779b9, 0x85ebca77);
  j = Math.imul((j << 17) | (j >>> 15), 0xc2b2ae3d);
  laneB ^= j;
  laneB = (Math.imul((laneB << 11) | (laneB >>> 21), 9) + 0x27d4eb2f) | 0;
}

function avalanche(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Builds one 52-bit hash from a sequence of strings and numbers (numbers by their exact bits). */
export const hasher = {
  start(): void {
    laneA = 0x3c6ef372;
    laneB = 0x510e527f;
  },
  text(value: string): void {
    fold(value.length);
    let i = 0;
    for (; i + 1 < value.length; i += 2) fold(value.charCodeAt(i) | (value.charCodeAt(i + 1) << 16));
    if (i < value.length) fold(value.charCodeAt(i));
  },
  number(value: number): void {
    f64[0] = value;
    fold(u32[0]!);
    fold(u32[1]!);
  },
  /** 52 bits, never 0 (0 marks an empty slot in HashSet52). */
  finish(): number {
    const a = avalanche(laneA ^ laneB);
    const b = avalanche(laneB + Math.imul(a, 0x2545f491));
    const value = (b & 0xfffff) * 0x1_0000_0000 + a;
    return value === 0 ? 1 : value;
  },
};

/** The 52-bit hash of one string. */
export function hash52(text: string): number {
  hasher.start();
  hasher.text(text);
  return hasher.finish();
}

/** A set of positive integers below 2⁵³ (hash52 output) in a Float64Array; 0 marks an empty slot. */
export class HashSet52 {
  private slots: Float64Array;
  size = 0;

  /** `expected`: how many values are likely, so the table need not grow to hold them. */
  constructor(expected = 0) {
    let length = 64;
    while (length < expected * 2 + 2) length *= 2;
    this.slots = new Float64Array(length);
  }

  /** Adds `value`; false when it was already there. */
  add(value: number): boolean {
    if ((this.size + 1) * 2 > this.slots.length) this.grow();
    if (!this.place(this.slots, value)) return false;
    this.size++;
    return true;
  }

  has(value: number): boolean {
    const mask = this.slots.length - 1;
    for (let i = (value >>> 0) & mask; ; i = (i + 1) & mask) {
      const slot = this.slots[i]!;
      if (slot === 0) return false;
      if (slot === value) return true;
    }
  }

  private place(slots: Float64Array, value: number): boolean {
    const mask = slots.length - 1;
    for (let i = (value >>> 0) & mask; ; i = (i + 1) & mask) {
      const slot = slots[i]!;
      if (slot === value) return false;
      if (slot === 0) {
        slots[i] = value;
        return true;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    for (const value of old) if (value !== 0) this.place(this.slots, value);
  }
}
