/**
 * Dedupe without holding events. Cursor events have no id, so an event is known by a fingerprint
 * of its fields, and a run over a million events must not keep a million strings (a Set of
 * ~40-char strings costs ~100 MB). We keep a 52-bit hash of each fingerprint in an open-addressing
 * table of doubles: 8 bytes a slot at most half full, ~16–32 MB per million events, freed when
 * the window is done.
 *
 * Trade-off: two different fingerprints collide with probability about n²/2⁵³ — for a million
 * events ≈ 1 in 9,000 runs, and a collision only matters in a window whose pages shifted (see
 * aggregate.ts: repeats in a stable window are counted, not dropped).
 */

/** Two independent 32-bit multiply–xor lanes, mixed at the end; 52 bits out, never 0. */
export function hash52(text: string): number {
  let a = 0x811c9dc5 ^ text.length;
  let b = 0x2545f491;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a = Math.imul(a ^ (a >>> 16), 0x85ebca6b);
  a = Math.imul(a ^ (a >>> 13), 0xc2b2ae35);
  a ^= a >>> 16;
  b = Math.imul(b ^ (b >>> 16) ^ a, 0x27d4eb2f);
  b ^= b >>> 15;
  const value = (b & 0x1fffff) * 0x1_0000_0000 + (a >>> 0);
  return value === 0 ? 1 : value;
}

/** A set of positive integers below 2⁵³ (hash52 output) in a Float64Array; 0 marks an empty slot. */
export class HashSet52 {
  private slots = new Float64Array(1024);
  size = 0;

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
