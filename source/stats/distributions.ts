/**
 * The few distribution functions the tests and intervals need: log-gamma, the standard normal
 * (CDF, survival, quantile), the binomial (PMF, upper tail) through the regularized incomplete
 * beta function. Pure and dependency-free.
 */

const LANCZOS = [
	0.999_999_999_999_809_93, 676.520_368_121_885_1, -1259.139_216_722_402_8, 771.323_428_777_653_13,
	-176.615_029_162_140_59, 12.507_343_278_686_905, -0.138_571_095_265_720_12, 9.984_369_578_019_571_6e-6,
	1.505_632_735_149_311_6e-7,
];

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7; about 15 significant digits). */
export function logGamma(x: number): number {
	if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
	const z = x - 1;
	let a = LANCZOS[0]!;
	const t = z + 7.5;
	for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
	return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ln of the binomial coefficient C(n, k). */
export function logChoose(n: number, k: number): number {
	return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

const LOG_SQRT_2PI = 0.918_938_533_204_672_8;

/** The standard normal density. */
export function normalPdf(z: number): number {
	return Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
}

/** P(Z > z) for z >= 3 by the continued fraction of Mills' ratio (full relative precision in the tail). */
function upperTail(z: number): number {
	let t = z;
	for (let k = 120; k >= 1; k--) t = z + k / t;
	return normalPdf(z) / t;
}

/** The standard normal CDF Φ(z). */
export function normalCdf(z: number): number {
	if (Number.isNaN(z)) return Number.NaN;
	if (z >= 3) return 1 - upperTail(z);
	if (z <= -3) return upperTail(-z);
	// Marsaglia (2004): Φ(z) = 1/2 + φ(z)(z + z³/3 + z⁵/(3·5) + ...).
	let sum = z;
	let term = z;
	const z2 = z * z;
	for (let i = 3; i < 500; i += 2) {
		term *= z2 / i;
		const next = sum + term;
		if (next === sum) break;
		sum = next;
	}

	return 0.5 + sum * normalPdf(z);
}

/** The standard normal survival function 1 - Φ(z), precise in the upper tail. */
export function normalSf(z: number): number {
	return normalCdf(-z);
}

const ACKLAM_A = [-3.969_683_028_665_376e1, 2.209_460_984_245_205e2, -2.759_285_104_469_687e2, 1.383_577_518_672_69e2, -3.066_479_806_614_716e1, 2.506_628_277_459_239];
const ACKLAM_B = [-5.447_609_879_822_406e1, 1.615_858_368_580_409e2, -1.556_989_798_598_866e2, 6.680_131_188_771_972e1, -1.328_068_155_288_572e1];
const ACKLAM_C = [-7.784_894_002_430_293e-3, -3.223_964_580_411_365e-1, -2.400_758_277_161_838, -2.549_732_539_343_734, 4.374_664_141_464_968, 2.938_163_982_698_783];
const ACKLAM_D = [7.784_695_709_041_462e-3, 3.224_671_290_700_398e-1, 2.445_134_137_142_996, 3.754_408_661_907_416];

function polynomial(coefficients: readonly number[], x: number): number {
	let result = 0;
	for (const c of coefficients) result = result * x + c;
	return result;
}

/**
 * The standard normal quantile Φ⁻¹(p): Acklam's rational approximation, then two Halley steps
 * against normalCdf for full double precision.
 */
export function normalQuantile(p: number): number {
	if (!(p >= 0 && p <= 1)) return Number.NaN;
	if (p === 0) return Number.NEGATIVE_INFINITY;
	if (p === 1) return Number.POSITIVE_INFINITY;
	const low = 0.024_25;
	let x: number;
	if (p < low) {
		const q = Math.sqrt(-2 * Math.log(p));
		x = polynomial(ACKLAM_C, q) / (polynomial(ACKLAM_D, q) * q + 1);
	} else if (p <= 1 - low) {
		const q = p - 0.5;
		const r = q * q;
		x = (polynomial(ACKLAM_A, r) * q) / (polynomial(ACKLAM_B, r) * r + 1);
	} else {
		const q = Math.sqrt(-2 * Math.log(1 - p));
		x = -polynomial(ACKLAM_C, q) / (polynomial(ACKLAM_D, q) * q + 1);
	}

	for (let i = 0; i < 2; i++) {
		// Work in the smaller tail so the error term keeps its precision.
		const error = x < 0 ? normalCdf(x) - p : (1 - p) - normalSf(x);
		const u = error * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
		x -= u / (1 + (x * u) / 2);
	}

	return x;
}

/** The continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
	const tiny = 1e-300;
	const qab = a + b;
	const qap = a + 1;
	const qam = a - 1;
	let c = 1;
	let d = 1 - (qab * x) / qap;
	if (Math.abs(d) < tiny) d = tiny;
	d = 1 / d;
	let h = d;
	for (let m = 1; m <= 10_000; m++) {
		const m2 = 2 * m;
		let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
		d = 1 + aa * d;
		if (Math.abs(d) < tiny) d = tiny;
		c = 1 + aa / c;
		if (Math.abs(c) < tiny) c = tiny;
		d = 1 / d;
		h *= d * c;
		aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
		d = 1 + aa * d;
		if (Math.abs(d) < tiny) d = tiny;
		c = 1 + aa / c;
		if (Math.abs(c) < tiny) c = tiny;
		d = 1 / d;
		const delta = d * c;
		h *= delta;
		if (Math.abs(delta - 1) < 1e-15) break;
	}

	return h;
}

/** The regularized incomplete beta function I_x(a, b). */
export function regularizedBeta(x: number, a: number, b: number): number {
	if (x <= 0) return 0;
	if (x >= 1) return 1;
	const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
	if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(a, b, x)) / a;
	return 1 - (Math.exp(logFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(X = k) for X ~ Binomial(n, p). */
export function binomialPmf(n: number, p: number, k: number): number {
	if (!Number.isInteger(k) || k < 0 || k > n) return 0;
	if (p === 0) return k === 0 ? 1 : 0;
	if (p === 1) return k === n ? 1 : 0;
	if (n <= 50) {
		// Exact integer coefficient (C(50, 25) < 2^53), so e.g. B(4, 1/2) at 2 is exactly 0.375.
		let coefficient = 1;
		const j = Math.min(k, n - k);
		for (let i = 1; i <= j; i++) coefficient = (coefficient * (n - j + i)) / i;
		return coefficient * p ** k * (1 - p) ** (n - k);
	}

	return Math.exp(logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

/** P(X >= k) for X ~ Binomial(n, p), through I_p(k, n - k + 1). */
export function binomialUpperTail(n: number, p: number, k: number): number {
	if (k <= 0) return 1;
	if (k > n) return 0;
	return regularizedBeta(p, k, n - k + 1);
}
