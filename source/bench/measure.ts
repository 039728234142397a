/**
 * The helper's line protocol (see native/rqc-measure.c) and a reader that turns its stdout into
 * batches of iterations. Parsing is pure; reading is the only I/O here.
 */
import type {Readable} from 'node:stream';

/** One iteration as the helper measured it. */
export interface HelperIteration {
	/** 0-based, within this helper invocation. */
	readonly index: number;
	readonly wallNs: number;
	readonly userUs: number;
	readonly systemUs: number;
	readonly maxRssBytes: number;
	/** undefined when the process was killed by a signal. */
	readonly exitCode: number | undefined;
	/** The signal that ended it, 0 for none. */
	readonly signal: number;
	readonly isTimedOut: boolean;
	readonly isOomKilled: boolean;
	readonly endedAt: Date;
}

export type HelperLine =
	| {readonly kind: 'iteration'; readonly iteration: HelperIteration}
	| {readonly kind: 'done'; readonly count: number}
	| {readonly kind: 'error'; readonly message: string};

/** Parses one line of the helper's output; undefined for anything else. Pure. */
export function parseHelperLine(line: string): HelperLine | undefined {
	const fields = line.split('\t');
	switch (fields[0]) {
		case 'R': {
			if (fields.length < 11) return undefined;
			const numbers = fields.slice(1).map(Number);
			if (numbers.some((value) => !Number.isFinite(value))) return undefined;
			const [index, wallNs, userUs, systemUs, maxRssKib, exitCode, signal, timedOut, oom, endMs] = numbers as [number, number, number, number, number, number, number, number, number, number];
			return {
				kind: 'iteration',
				iteration: {
					index,
					wallNs,
					userUs,
					systemUs,
					maxRssBytes: maxRssKib * 1024,
					exitCode: exitCode < 0 ? undefined : exitCode,
					signal,
					isTimedOut: timedOut === 1,
					isOomKilled: oom === 1,
					endedAt: new Date(endMs),
				},
			};
		}

		case 'D': {
			const count = Number(fields[1]);
			return Number.isInteger(count) ? {kind: 'done', count} : undefined;
		}

		case 'E': {
			return {kind: 'error', message: fields.slice(1).join('\t')};
		}

		default: {
			return undefined;
		}
	}
}

export interface HelperOutcome {
	readonly count: number;
	/** The helper's own error (e.g. the command could not be started). */
	readonly error: string | undefined;
	/** Whether the helper printed its final line (it was not killed midway). */
	readonly isComplete: boolean;
}

/**
 * Reads the helper's stdout to its end, calling onBatch with the iterations of each chunk (the
 * helper flushes at most every 100 ms, so the event loop wakes rarely while it measures).
 */
export async function readHelperOutput(stdout: Readable, onBatch: (iterations: HelperIteration[]) => void): Promise<HelperOutcome> {
	let pending = '';
	let count = 0;
	let error: string | undefined;
	let isComplete = false;
	stdout.setEncoding('utf8');
	for await (const chunk of stdout) {
		pending += chunk as string;
		const lines = pending.split('\n');
		pending = lines.pop() ?? '';
		const batch: HelperIteration[] = [];
		for (const line of lines) {
			const parsed = parseHelperLine(line);
			if (parsed?.kind === 'iteration') {
				batch.push(parsed.iteration);
				count++;
			} else if (parsed?.kind === 'done') {
				isComplete = true;
			} else if (parsed?.kind === 'error') {
				error = parsed.message;
			}
		}

		if (batch.length > 0) onBatch(batch);
	}

	return {count, error, isComplete};
}
