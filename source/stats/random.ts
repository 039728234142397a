/**
 * A small seeded generator (mulberry32) and a string hash to derive seeds, so every resampling
 * result is reproducible from its inputs and its seed alone.
 */

/** A generator of uniform numbers in [0, 1) from a 32-bit seed. */
export function createRng(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d_2b_79_f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

/** FNV-1a hash of a string, for deriving per-case seeds from a base seed and a name. */
export function hashSeed(text: string, seed = 0): number {
	let hash = (0x81_1c_9d_c5 ^ seed) >>> 0;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01_00_01_93) >>> 0;
	}

	return hash;
}
