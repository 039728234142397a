/** Helpers for Ink screens under ink-testing-library: wait by polling frames, never by sleeping. */
import {vi} from 'vitest';

const ansi = /\u001B\[[0-9;?]*[A-Za-z]/g;

/** The frame without colour codes. */
export function plain(frame: string | undefined): string {
	return (frame ?? '').replace(ansi, '');
}

/** Polls lastFrame() until predicate holds (or throws with the last frame after timeoutMs). */
export async function waitForFrame(lastFrame: () => string | undefined, predicate: (frame: string) => boolean, timeoutMs = 5000): Promise<string> {
	let last = '';
	await vi.waitFor(() => {
		last = plain(lastFrame());
		if (!predicate(last)) throw new Error(`frame did not match; last frame:\n${last}`);
	}, {timeout: timeoutMs, interval: 20});
	return last;
}

/** Lets Ink process input written to stdin. */
export async function tick(): Promise<void> {
	await new Promise((resolve) => {
		setTimeout(resolve, 0);
	});
}
