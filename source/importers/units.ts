/** Time units the importers meet, normalised to nanoseconds. Pure. */

const NS_PER: Readonly<Record<string, number>> = {
	ns: 1,
	us: 1e3,
	'µs': 1e3,
	'μs': 1e3,
	ms: 1e6,
	s: 1e9,
};

/** Nanoseconds per one of the unit, or undefined when the unit is not a time unit we know. */
export function getNsPerUnit(unit: string): number | undefined {
	return Object.hasOwn(NS_PER, unit) ? NS_PER[unit] : undefined;
}

/**
 * value × unit in nanoseconds, rounded to a thousandth of a nanosecond so that binary noise of
 * the conversion (0.0007 s → 700000.0000000001 ns) does not leak into stored numbers.
 */
export function toNs(value: number, nsPerUnit: number): number {
	return Math.round(value * nsPerUnit * 1000) / 1000;
}
