/**
 * What the console's stack controls (u up · p profiles · D down) work through: the same code
 * paths as `rqc up --wait`, `rqc down` and the compose profiles, behind a small interface so the
 * Services pane gets a data source (a fake one in tests), never a Docker client.
 */
import type {Config} from '../config.js';
import {detectCompose, getComposeProfiles} from './compose.js';
import {bringStackDown, bringStackUp, DEFAULT_WAIT_SECONDS, openStack} from './stack-control.js';
import {describeProgress} from './stack.js';

export interface ServiceProgress {
	readonly service: string;
	/** healthy, starting, unhealthy, exited (1), ... */
	readonly label: string;
}

/** What a running request reports back. */
export interface ControlEvents {
	readonly onLine: (line: string) => void;
	readonly onProgress: (progress: readonly ServiceProgress[]) => void;
	readonly signal: AbortSignal;
}

/** Where the controls get their profiles and do their work. */
export interface ComposeControlSource {
	/** The profiles the compose files define. */
	listProfiles(): Promise<readonly string[]>;
	/** Brings the stack up with these profiles, waiting for health; resolves with a summary line. */
	up(profiles: readonly string[], events: ControlEvents): Promise<string>;
	/** Brings the stack down (named volumes kept); resolves with a summary line. */
	down(events: ControlEvents): Promise<string>;
}

/** The real source: the same code paths as `rqc up --wait`, `rqc down` and the compose profiles. */
export function createComposeControlSource(config: Config, env: Readonly<Record<string, string | undefined>> = process.env): ComposeControlSource {
	return {
		async listProfiles() {
			const {target} = await openStack(config, env);
			return getComposeProfiles(await detectCompose(), target);
		},
		async up(profiles, events) {
			const result = await bringStackUp({
				config,
				env,
				profiles,
				waitSeconds: DEFAULT_WAIT_SECONDS,
				onLine: (line) => events.onLine(line),
				onNotice: (message) => events.onLine(message),
				onProgress: (states) => events.onProgress(states.map((item) => ({service: item.service, label: describeProgress(item)}))),
				signal: events.signal,
			});
			const count = result.services.length;
			return `Stack up: ${count} service${count === 1 ? '' : 's'} healthy${profiles.length > 0 ? ` (profiles: ${profiles.join(', ')})` : ''}`;
		},
		async down(events) {
			const result = await bringStackDown({config, env, onLine: (line) => events.onLine(line), signal: events.signal});
			const count = result.removed.length;
			return `Stack down: ${count} container${count === 1 ? '' : 's'} removed; data volumes kept`;
		},
	};
}
