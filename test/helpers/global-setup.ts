/**
 * Runs once before every test: says which real services this run has, so a reader of the
 * output knows which suites ran for real and which were skipped (and how to enable them).
 * Under CI=true a missing service fails here, before any test runs.
 */
import {existsSync} from 'node:fs';

export default function setup(): void {
	const isCi = process.env.CI === 'true' || process.env.CI === '1';
	const socket = process.env.DOCKER_HOST?.replace(/^unix:\/\//, '') ?? '/var/run/docker.sock';
	const services = [
		{name: 'PostgreSQL', isUp: Boolean(process.env.RQC_TEST_DATABASE_URL), how: 'RQC_TEST_DATABASE_URL'},
		{name: 'Redis', isUp: Boolean(process.env.RQC_TEST_REDIS_URL), how: 'RQC_TEST_REDIS_URL'},
		{name: 'Docker engine', isUp: existsSync(socket), how: `a Docker socket at ${socket}`},
	];
	const missing = services.filter((s) => !s.isUp);
	const line = services.map((s) => `${s.name}: ${s.isUp ? 'yes' : 'NO'}`).join(', ');
	// TimescaleDB is optional everywhere (CI cannot build it): its tier is a named skip without it.
	const timescale = process.env.RQC_TEST_TIMESCALE_URL ? 'yes' : 'no (optional: RQC_TEST_TIMESCALE_URL)';
	process.stderr.write(`[rqc tests] real services: ${line}, TimescaleDB: ${timescale}\n`);
	if (missing.length === 0) return;
	const message = `missing ${missing.map((s) => `${s.name} (${s.how})`).join(', ')}; suites needing them are skipped and named [SKIPPED ...]. `
		+ 'Run `eval "$(bash scripts/ci/provision.sh)"` to install and start them.';
	if (isCi) throw new Error(`CI=true: ${message}`);
	process.stderr.write(`[rqc tests] ${message}\n`);
}
