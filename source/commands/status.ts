import {checkDatabase, checkDocker, checkRedis, type DatabaseCheck, type DockerCheck, type RedisCheck} from '../health.js';
import {createDockerClient} from '../docker/engine.js';
import {EXIT} from '../errors.js';
import {paint, SYMBOL} from '../text/text.js';
import {toJson} from '../json.js';
import type {CommandContext, CommandSpec} from './types.js';
import {UserError} from '../errors.js';
import {containersToJson, formatContainerStatus, getContainerStatusOnce, watchContainers} from '../docker/watch.js';

export interface StatusSummary {
	readonly docker: DockerCheck;
	readonly database: DatabaseCheck;
	readonly redis: RedisCheck;
}

export async function getStatusSummary(context: CommandContext): Promise<StatusSummary> {
	const [docker, database, redis] = await Promise.all([
		checkDocker(createDockerClient(context.config), context.config.dockerHost),
		checkDatabase(context.config, context.openStore),
		context.openCache().then(async (cache) => checkRedis(cache, 1500)),
	]);
	return {docker, database, redis};
}

/** One line per service: what a person needs at a glance. */
export function formatStatusSummary(summary: StatusSummary, hasColor: boolean): string {
	const mark = (ok: boolean | undefined) => (ok === undefined ? paint(SYMBOL.off, 'gray', hasColor) : ok ? paint(SYMBOL.ok, 'green', hasColor) : paint(SYMBOL.bad, 'red', hasColor));
	const {docker, database, redis} = summary;
	const dbKind = database.driver === 'pglite' ? 'embedded (PGlite)' : database.hasTimescale ? 'TimescaleDB' : 'PostgreSQL';
	return [
		`${mark(docker.status === 'ok')} docker    ${docker.status === 'ok' ? `engine ${docker.version} at ${docker.endpoint}` : `unreachable at ${docker.endpoint}: ${docker.error}`}`,
		`${mark(database.status === 'ok')} database  ${database.status === 'ok' ? `${dbKind} at ${database.location}` : database.error}`,
		`${mark(redis.status === 'not_configured' ? undefined : redis.status === 'ok')} redis     ${redis.status === 'ok' ? `at ${redis.location}` : redis.status === 'not_configured' ? 'not configured (in-process cache)' : `unreachable at ${redis.location}: ${redis.error}`}`,
	].join('\n');
}

export const statusCommand: CommandSpec = {
	name: 'status',
	summary: 'Show the Docker engine, database and Redis, and the stack\'s containers with their resource use',
	usage: 'rqc status [--json] [--all] [--watch [--interval 1]]',
	examples: ['rqc status', 'rqc status --json', 'rqc status --all', 'rqc status --watch', 'rqc status --watch --json'],
	flags: {
		all: {type: 'boolean', default: false, description: 'Every container on the engine, not only the compose project\'s'},
		watch: {type: 'boolean', default: false, description: 'Refresh the container table until Ctrl-C (with --json: one JSON line per refresh)'},
		interval: {type: 'number', default: 1, description: 'Seconds between --watch refreshes (default 1)'},
		engineStats: {type: 'boolean', default: false, description: 'Sample through the Engine API even when the engine is local (slower; for comparison)'},
	},
	async run(context) {
		const isAll = Boolean(context.flags.all);
		const isEngineStats = Boolean(context.flags.engineStats);
		if (context.flags.watch) {
			const seconds = Number(context.flags.interval ?? 1);
			if (!Number.isFinite(seconds) || seconds < 0.1) throw new UserError(`--interval ${String(context.flags.interval)} is not a number of seconds >= 0.1`, 'use e.g. --interval 2');
			await watchContainers({config: context.config, isAll, isEngineStats, signal: context.signal, stdout: context.stdout, isJson: context.isJson, hasColor: context.hasColor, intervalMs: seconds * 1000});
			return EXIT.ok;
		}

		const summary = await getStatusSummary(context);
		// The containers' table (issue 4); only when the engine answered.
		const containers = summary.docker.status === 'ok'
			? await getContainerStatusOnce({config: context.config, isAll, isEngineStats, signal: context.signal})
			: undefined;
		if (context.isJson) context.stdout.write(toJson({...summary, containers: containers ? containersToJson(containers) : null}) + '\n');
		else {
			context.stdout.write(formatStatusSummary(summary, context.hasColor) + '\n');
			if (containers) context.stdout.write(`\n${formatContainerStatus(containers, Math.max(40, (context.stdout.columns ?? 100) - 1), context.hasColor)}\n`);
		}
		const isUp = summary.docker.status === 'ok' && summary.database.status === 'ok' && summary.redis.status !== 'unreachable';
		return isUp ? EXIT.ok : EXIT.unreachable;
	},
};
