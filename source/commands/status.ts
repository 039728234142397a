import {checkDatabase, checkDocker, checkRedis, type DatabaseCheck, type DockerCheck, type RedisCheck} from '../health.js';
import {createDockerClient} from '../docker/engine.js';
import {EXIT} from '../errors.js';
import {paint, SYMBOL} from '../ui/text.js';
import {toJson} from '../json.js';
import type {CommandContext, CommandSpec} from './types.js';

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
	summary: 'Show the state of the Docker engine, database and Redis',
	usage: 'rqc status [--json]',
	examples: ['rqc status', 'rqc status --json'],
	flags: {},
	async run(context) {
		const summary = await getStatusSummary(context);
		if (context.isJson) context.stdout.write(toJson(summary) + '\n');
		else context.stdout.write(formatStatusSummary(summary, context.hasColor) + '\n');
		const isUp = summary.docker.status === 'ok' && summary.database.status === 'ok' && summary.redis.status !== 'unreachable';
		return isUp ? EXIT.ok : EXIT.unreachable;
	},
};
