import {checkCompose, checkDatabase, checkDocker, checkRedis, type HealthReport} from '../health.js';
import {createDockerClient} from '../docker/engine.js';
import {EXIT} from '../errors.js';
import {paint, SYMBOL} from '../text/text.js';
import {toJson} from '../json.js';
import type {CommandContext, CommandSpec} from './types.js';

/** Gathers every check at once. */
export async function getHealthReport(context: CommandContext): Promise<HealthReport> {
	const {config} = context;
	const [docker, compose, database, redis] = await Promise.all([
		checkDocker(createDockerClient(config), config.dockerHost),
		checkCompose(),
		checkDatabase(config, context.openStore),
		context.openCache().then(async (cache) => checkRedis(cache)),
	]);
	return {docker, compose, database, redis};
}

/** Whether every configured service answered. Redis counts only when configured. */
export function isHealthy(report: HealthReport): boolean {
	return report.docker.status === 'ok' && report.compose.status === 'ok' && report.database.status === 'ok'
		&& report.redis.status !== 'unreachable';
}

/** The report as lines for a person; every failed line is followed by its fix. */
export function formatHealthReport(report: HealthReport, hasColor: boolean): string {
	const good = (s: string) => paint(`${SYMBOL.ok} ${s}`, 'green', hasColor);
	const bad = (s: string) => paint(`${SYMBOL.bad} ${s}`, 'red', hasColor);
	const off = (s: string) => paint(`${SYMBOL.off} ${s}`, 'gray', hasColor);
	const fix = (s: string | undefined) => (s ? `\n    ${paint('fix:', 'yellow', hasColor)} ${s}` : '');
	const {docker, compose, database, redis} = report;
	const lines: string[] = [];

	lines.push(docker.status === 'ok'
		? good(`Docker engine ${docker.version} (API ${docker.apiVersion}, cgroup v${docker.cgroupVersion ?? '?'}) at ${docker.endpoint}`)
		: bad(`Docker engine unreachable at ${docker.endpoint}: ${docker.error}`) + fix(docker.fix));

	lines.push(compose.status === 'ok'
		? good(`Compose CLI: ${compose.command} ${compose.version} (${compose.kind})`)
		: bad('Compose CLI: neither `docker compose` nor `docker-compose` found') + fix(compose.fix));

	const dbName = database.driver === 'pglite' ? 'embedded store (PGlite)' : (database.hasTimescale ? 'TimescaleDB' : 'PostgreSQL');
	if (database.status === 'ok') {
		const timescale = database.driver === 'postgres' ? (database.hasTimescale ? ', timescaledb extension present' : ', timescaledb extension absent (plain tables)') : '';
		lines.push(good(`Database: ${dbName} ${database.serverVersion} at ${database.location}, schema v${database.schemaVersion}/${database.latestSchemaVersion}${timescale}`)
			+ fix(database.timescaleProblem));
	} else {
		lines.push(bad(`Database: ${database.error}`) + fix(database.fix));
	}

	if (redis.status === 'ok') lines.push(good(`Redis ${redis.version ?? ''} at ${redis.location}`.replace('  ', ' ')));
	else if (redis.status === 'not_configured') lines.push(off('Redis: not configured (in-process cache)') + fix(redis.fix));
	else lines.push(bad(`Redis unreachable at ${redis.location}: ${redis.error}`) + fix(redis.fix));

	return lines.join('\n');
}

export const doctorCommand: CommandSpec = {
	name: 'doctor',
	summary: 'Check the Docker engine, compose CLI, database and Redis, and say how to fix what is missing',
	usage: 'rqc doctor [--json]',
	examples: ['rqc doctor', 'rqc doctor --json | jq .database'],
	flags: {},
	async run(context) {
		const report = await getHealthReport(context);
		if (context.isJson) {
			context.stdout.write(toJson({ok: isHealthy(report), ...report}) + '\n');
		} else {
			context.stdout.write(formatHealthReport(report, context.hasColor) + '\n');
		}

		return isHealthy(report) ? EXIT.ok : EXIT.unreachable;
	},
};
