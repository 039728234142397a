// asciichart ships no types; this declares the part rqc uses (plot and its options).
declare module 'asciichart' {
	export interface PlotConfig {
		readonly min?: number;
		readonly max?: number;
		readonly height?: number;
		readonly offset?: number;
		readonly padding?: string;
		readonly colors?: readonly string[];
		readonly symbols?: readonly string[];
		readonly format?: (value: number, index: number) => string;
	}

	export function plot(series: readonly number[] | ReadonlyArray<readonly number[]>, config?: PlotConfig): string;
	const asciichart: {plot: typeof plot};
	export default asciichart;
}
