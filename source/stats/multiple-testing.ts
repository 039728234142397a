/**
 * Corrections for many tests at once, each the same as R's `p.adjust`. NaN entries (tests not
 * run) stay NaN and do not count towards the number of tests.
 */
import {adjustHolm} from './holm.js';

export type Correction = 'holm' | 'bh' | 'none';

export const CORRECTIONS: readonly Correction[] = ['holm', 'bh', 'none'];

/**
 * Benjamini-Hochberg (1995): sort the m p-values descending, multiply the one of rank i
 * (ascending) by m / i, carry the running minimum, cap at 1. Controls the false-discovery rate
 * rather than the family-wise error rate, so it keeps more power in large suites.
 */
export function adjustBenjaminiHochberg(pValues: readonly number[]): number[] {
	const indexed = pValues
		.map((p, index) => ({p, index}))
		.filter(({p}) => !Number.isNaN(p))
		.sort((a, b) => b.p - a.p);
	const m = indexed.length;
	const adjusted = pValues.map(() => Number.NaN);
	let running = 1;
	for (const [offset, {p, index}] of indexed.entries()) {
		running = Math.min(running, (m / (m - offset)) * p);
		adjusted[index] = Math.min(1, running);
	}

	return adjusted;
}

/** The p-values adjusted by the named correction. */
export function adjustPValues(pValues: readonly number[], correction: Correction): number[] {
	if (correction === 'holm') return adjustHolm(pValues);
	if (correction === 'bh') return adjustBenjaminiHochberg(pValues);
	return [...pValues];
}
