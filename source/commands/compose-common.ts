/** What rqc up / down / ps / logs share: the engine check and target, output, and tables. */
import type {OutputStream} from '../docker/compose.js';
import {openStack as openStackFor, type StackHandles} from '../docker/stack-control.js';
import type {ServiceState} from '../docker/stack.js';
import type {CommandContext} from './types.js';

/** The engine (ServiceError, exit 3, with how to start one, when it does not answer) and the target. */
export async function openStack(context: CommandContext): Promise<StackHandles> {
	return openStackFor(context.config, context.env);
}

/** Streams compose output through: to stdout and stderr, or all to stderr under --json. */
export function makeLineWriter(context: CommandContext): (line: string, stream: OutputStream) => void {
	return (line, stream) => {
		const out = stream === 'stdout' && !context.isJson ? context.stdout : context.stderr;
		out.write(`${line}\n`);
	};
}

/** A service record as JSON: dates as ISO strings, absent values as null. */
export function serviceToJson(state: ServiceState): Record<string, unknown> {
	return {...state, startedAt: state.startedAt?.toISOString() ?? null, lastHealthOutput: state.lastHealthOutput ?? null, exitCode: state.exitCode ?? null};
}

/** Ports as `127.0.0.1:5432->5432/tcp`. Pure. */
export function formatPorts(state: Pick<ServiceState, 'ports'>): string {
	return state.ports.map((port) => `${port.hostIp}:${port.hostPort}->${port.containerPort}/${port.protocol}`).join(', ');
}
