/**
 * Holm's step-down correction (Holm 1979) for many tests at once: sort the m p-values, multiply
 * the i-th smallest by (m - i + 1), carry the running maximum, cap at 1. Same as R's
 * `p.adjust(p, "holm")`. Not-a-number entries (tests not run) stay NaN and do not count.
 */
export function adjustHolm(pValues: readonly number[]): number[] {
	const indexed = pValues
		.map((p, index) => ({p, index}))
		.filter(({p}) => !Number.isNaN(p))
		.sort((a, b) => a.p - b.p);
	const m = indexed.length;
	const adjusted = pValues.map(() => Number.NaN);
	let running = 0;
	for (const [rank, {p, index}] of indexed.entries()) {
		running = Math.max(running, Math.min(1, (m - rank) * p));
		adjusted[index] = running;
	}

	return adjusted;
}
