/** rqc up: starts the compose stack (writing its settings to ~/.config/rqc/stack.env first when they lack secrets). */
import {UserError} from '../errors.js';
import {bringStackUp, DEFAULT_WAIT_SECONDS} from '../docker/stack-control.js';
import {describeProgress, type ServiceState} from '../docker/stack.js';
import type {CommandContext, CommandSpec} from './types.js';
import {makeLineWriter, serviceToJson} from './compose-common.js';

/** Reads --profile values: repeated flags, or comma-separated. Pure. */
export function parseProfiles(value: unknown): string[] {
	const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
	return [...new Set(values.flatMap((item) => String(item).split(',')).map((item) => item.trim()).filter(Boolean))];
}

/** The --timeout value in seconds; UserError when it is not a positive number. Pure. */
export function parseTimeoutSeconds(value: unknown): number {
	if (value === undefined) return DEFAULT_WAIT_SECONDS;
	const seconds = Number(value);
	if (!Number.isFinite(seconds) || seconds <= 0) throw new UserError(`--timeout must be a positive number of seconds${Number.isNaN(seconds) ? '' : `, not ${String(value)}`}`, 'e.g. --timeout 120');
	return seconds;
}

/** Prints a line for each service whose progress changed since the last poll. */
function makeProgressPrinter(context: CommandContext): (states: readonly ServiceState[]) => void {
	const startedAt = Date.now();
	const last = new Map<string, string>();
	let isFirst = true;
	return (states) => {
		if (isFirst) context.stderr.write('Waiting for the services to become healthy:\n');
		isFirst = false;
		const width = Math.max(0, ...states.map((state) => state.service.length));
		for (const state of states) {
			const label = describeProgress(state);
			if (last.get(state.service) === label) continue;
			last.set(state.service, label);
			const seconds = Math.round((Date.now() - startedAt) / 1000);
			context.stderr.write(`  ${state.service.padEnd(width)}  ${label} (${seconds}s)\n`);
		}
	};
}

export const upCommand: CommandSpec = {
	name: 'up',
	summary: 'Start the compose stack (TimescaleDB, Redis, Jaeger; more with --profile)',
	usage: 'rqc up [SERVICE...] [--profile benchmarks|monitoring ...] [--wait] [--timeout SECONDS]',
	examples: ['rqc up --wait', 'rqc up --profile benchmarks --wait', 'rqc up --profile benchmarks --profile monitoring'],
	flags: {
		profile: {type: 'string', isMultiple: true, description: 'Also start a profile\'s services: benchmarks, monitoring (repeatable)'},
		wait: {type: 'boolean', default: false, description: 'Wait until every started service is healthy; name any that fails'},
		timeout: {type: 'number', description: `Seconds --wait waits at most (default ${DEFAULT_WAIT_SECONDS})`},
	},
	async run(context) {
		const profiles = parseProfiles(context.flags.profile);
		const timeoutSeconds = parseTimeoutSeconds(context.flags.timeout);
		const isWait = context.flags.wait === true;
		const result = await bringStackUp({
			config: context.config,
			env: context.env,
			profiles,
			services: context.args.map(String),
			waitSeconds: isWait ? timeoutSeconds : undefined,
			onLine: makeLineWriter(context),
			onNotice: (message) => context.stderr.write(`${message}\n`),
			onProgress: isWait ? makeProgressPrinter(context) : undefined,
			signal: context.signal,
		});
		if (isWait) {
			const count = result.services.length;
			context.stderr.write(`Stack ready: ${count} service${count === 1 ? '' : 's'} up and healthy.\n`);
		}

		if (context.isJson) {
			context.stdout.write(`${JSON.stringify({
				project: result.project,
				compose: {kind: result.cli.kind, version: result.cli.version},
				profiles,
				envFile: {path: result.envFile.file, isCreated: result.envFile.isCreated, added: result.envFile.added},
				services: result.services.map(serviceToJson),
			}, null, 2)}\n`);
		}

		return 0;
	},
};
