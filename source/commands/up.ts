/** rqc up: starts the compose stack (writing compose/.env first when it lacks secrets). */
import path from 'node:path';
import type Docker from 'dockerode';
import {FailureError, UserError} from '../errors.js';
import {buildUpArgs, getComposeProfiles, readTargetDotenv, runCompose, verifyProfiles} from '../docker/compose.js';
import {computeEngineEnv, ensureStackEnv} from '../docker/stack-env.js';
import {describeFailure, describeProgress, getStackServices, waitForStack, type ServiceState} from '../docker/stack.js';
import type {CommandContext, CommandSpec} from './types.js';
import {makeLineWriter, openCompose, openStack, serviceToJson} from './compose-common.js';

const DEFAULT_TIMEOUT_SECONDS = 180;

/** Reads --profile values: repeated flags, or comma-separated. Pure. */
export function parseProfiles(value: unknown): string[] {
	const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
	return [...new Set(values.flatMap((item) => String(item).split(',')).map((item) => item.trim()).filter(Boolean))];
}

/** The --timeout value in seconds; UserError when it is not a positive number. Pure. */
export function parseTimeoutSeconds(value: unknown): number {
	if (value === undefined) return DEFAULT_TIMEOUT_SECONDS;
	const seconds = Number(value);
	if (!Number.isFinite(seconds) || seconds <= 0) throw new UserError(`--timeout must be a positive number of seconds, not ${String(value)}`, 'e.g. --timeout 120');
	return seconds;
}

async function hasVolume(docker: Docker, name: string): Promise<boolean> {
	try {
		await docker.getVolume(name).inspect();
		return true;
	} catch {
		return false;
	}
}

/** Prints a line for each service whose progress changed since the last poll. */
function makeProgressPrinter(context: CommandContext, startedAt: number): (states: readonly ServiceState[]) => void {
	const last = new Map<string, string>();
	return (states) => {
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
		timeout: {type: 'number', description: `Seconds --wait waits at most (default ${DEFAULT_TIMEOUT_SECONDS})`},
	},
	async run(context) {
		const profiles = parseProfiles(context.flags.profile);
		const timeoutSeconds = parseTimeoutSeconds(context.flags.timeout);
		const isWait = context.flags.wait === true;
		const {docker, engine, target: baseTarget} = await openStack(context);
		const cli = await openCompose();
		verifyProfiles(profiles, await getComposeProfiles(cli, baseTarget));

		const envFile = ensureStackEnv(baseTarget.projectDir, baseTarget.env);
		if (envFile.generated.includes('DB_PASSWORD') && await hasVolume(docker, `${baseTarget.project}_timescale_data`)) {
			context.stderr.write(`Warning: the database volume ${baseTarget.project}_timescale_data already exists and keeps the password it was made with, not the new one: put the old DB_PASSWORD in .env, or start afresh with rqc down --volumes.\n`);
		}

		const shown = path.relative(process.cwd(), envFile.file) || envFile.file;
		if (envFile.isCreated) {
			context.stderr.write(`Wrote ${shown} (mode 0600) with a new random ${envFile.generated.join(' and ')}; rqc now uses the stack's database.\n`);
		} else if (envFile.added.length > 0) {
			context.stderr.write(`Added ${envFile.added.join(', ')} to ${shown}.\n`);
		}

		const target = {...baseTarget, env: {...baseTarget.env, ...computeEngineEnv(engine.version, baseTarget.env, readTargetDotenv(baseTarget))}};
		const services = context.args.map(String);
		await runCompose(cli, target, buildUpArgs({services}), {profiles, onLine: makeLineWriter(context), signal: context.signal});

		let states: readonly ServiceState[];
		if (isWait) {
			const startedAt = Date.now();
			context.stderr.write(`Waiting up to ${timeoutSeconds}s for the services to become healthy:\n`);
			const result = await waitForStack(docker, target.project, {
				timeoutMs: timeoutSeconds * 1000,
				signal: context.signal,
				onProgress: makeProgressPrinter(context, startedAt),
			});
			states = result.states;
			if (result.outcome === 'failed') {
				const [first] = result.verdict.failed;
				throw new FailureError(result.verdict.failed.map(describeFailure).join('; '), `see its log with: rqc logs ${first?.service ?? 'SERVICE'}`);
			}

			if (result.outcome === 'timeout') {
				const pending = states.filter((state) => result.verdict.waiting.includes(state.service));
				throw new FailureError(
					`timed out after ${timeoutSeconds}s waiting for ${pending.map((state) => `${state.service} (${describeProgress(state)})`).join(', ') || 'the stack'}`,
					'raise --timeout, or look at `rqc ps` and `rqc logs SERVICE`',
				);
			}

			context.stderr.write(`Stack ready: ${states.length} service${states.length === 1 ? '' : 's'} up and healthy.\n`);
		} else {
			states = await getStackServices(docker, target.project);
		}

		if (context.isJson) {
			context.stdout.write(`${JSON.stringify({
				project: target.project,
				compose: {kind: cli.kind, version: cli.version},
				profiles,
				envFile: {path: envFile.file, isCreated: envFile.isCreated, added: envFile.added},
				services: states.map(serviceToJson),
			}, null, 2)}\n`);
		}

		return 0;
	},
};
