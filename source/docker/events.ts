/**
 * The engine's event stream as an AsyncIterable: container starts, stops, deaths, health changes
 * show up without polling. Ends quietly when the signal aborts; throws when the engine goes away
 * (the caller decides to retry).
 */
import type {DockerClient} from './client.js';
import {PROJECT_LABEL, toDockerError} from './containers.js';

/** The container events rqc reacts to (exec_* noise from health probes is filtered out). */
export const WATCHED_ACTIONS = [
	'create', 'start', 'restart', 'stop', 'die', 'kill', 'oom', 'pause', 'unpause',
	'destroy', 'rename', 'update', 'health_status',
] as const;

export interface EngineEvent {
	readonly type: string;
	/** e.g. 'start', 'die', 'health_status' (the part before ': '). */
	readonly action: string;
	/** What follows the action, e.g. 'unhealthy' for 'health_status: unhealthy'. */
	readonly detail: string | undefined;
	readonly id: string;
	readonly name: string | undefined;
	/** ms since the epoch. */
	readonly time: number;
	readonly attributes: Readonly<Record<string, string>>;
}

export interface EventOptions {
	readonly signal: AbortSignal;
	/** Only this compose project's containers; undefined for every container. */
	readonly project?: string;
	/** Replay events since this time (ms since the epoch). */
	readonly since?: number;
}

interface RawEvent {
	Type?: string;
	Action?: string;
	status?: string;
	id?: string;
	time?: number;
	timeNano?: number;
	Actor?: {ID?: string; Attributes?: Record<string, string>};
}

/** One line of the engine's JSON event stream into an EngineEvent; undefined for junk. Pure. */
export function parseEngineEvent(line: string): EngineEvent | undefined {
	let raw: RawEvent;
	try {
		raw = JSON.parse(line) as RawEvent;
	} catch {
		return undefined;
	}

	const fullAction = raw.Action ?? raw.status;
	const id = raw.Actor?.ID ?? raw.id;
	if (!fullAction || !id) return undefined;
	const colon = fullAction.indexOf(':');
	const attributes = raw.Actor?.Attributes ?? {};
	return {
		type: raw.Type ?? 'container',
		action: colon < 0 ? fullAction : fullAction.slice(0, colon),
		detail: colon < 0 ? undefined : fullAction.slice(colon + 1).trim(),
		id,
		name: attributes.name,
		time: raw.timeNano ? Math.floor(raw.timeNano / 1e6) : (raw.time ?? 0) * 1000,
		attributes,
	};
}

/** Streams container events until the signal aborts. */
export async function* streamEngineEvents(docker: DockerClient, options: EventOptions): AsyncGenerator<EngineEvent> {
	if (options.signal.aborted) return;
	const filters: Record<string, string[]> = {type: ['container'], event: [...WATCHED_ACTIONS]};
	if (options.project !== undefined) filters.label = [`${PROJECT_LABEL}=${options.project}`];
	let stream: NodeJS.ReadableStream;
	try {
		stream = await docker.getEvents({
			filters,
			...(options.since === undefined ? {} : {since: Math.floor(options.since / 1000)}),
			abortSignal: options.signal,
		} as Parameters<DockerClient['getEvents']>[0]);
	} catch (error) {
		if (options.signal.aborted) return;
		throw toDockerError(error, 'docker events');
	}

	const destroy = (): void => {
		(stream as {destroy?: () => void}).destroy?.();
	};

	options.signal.addEventListener('abort', destroy, {once: true});
	let pending = '';
	try {
		for await (const chunk of stream) {
			pending += String(chunk);
			const lines = pending.split('\n');
			pending = lines.pop() ?? '';
			for (const line of lines) {
				if (line.trim() === '') continue;
				const event = parseEngineEvent(line);
				if (event) yield event;
			}
		}
	} catch (error) {
		if (options.signal.aborted) return;
		throw toDockerError(error, 'docker events');
	} finally {
		options.signal.removeEventListener('abort', destroy);
		destroy();
	}

	if (!options.signal.aborted) {
		// The engine closed the stream: it is stopping or restarting.
		throw toDockerError(Object.assign(new Error('the event stream ended'), {code: 'ECONNRESET'}), 'docker events');
	}
}
