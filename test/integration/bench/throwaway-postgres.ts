/**
 * A PostgreSQL server of the test's own (initdb + pg_ctl in a temp dir, random port), so a test
 * can stop and start it without touching the server other tests share. initdb refuses root, so
 * as root it runs as the postgres user.
 */
import {execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, readdirSync, rmSync} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {getFreePort as freePort} from '../../helpers/ports.js';

export interface ThrowawayPostgres {
	readonly url: string;
	stop(): void;
	start(): void;
	destroy(): void;
}

/** The newest PostgreSQL server binaries on this machine, or undefined. */
export function findPostgresBin(): string | undefined {
	const base = '/usr/lib/postgresql';
	if (!existsSync(base)) return undefined;
	const versions = readdirSync(base).filter((v) => existsSync(path.join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
	return versions[0] === undefined ? undefined : path.join(base, versions[0], 'bin');
}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
	const bin = findPostgresBin();
	if (!bin) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
	const dir = mkdtempSync(path.join(os.tmpdir(), 'rqc-pg-'));
	const data = path.join(dir, 'data');
	const isRoot = process.getuid?.() === 0;
	const run = (file: string, args: string[]): void => {
		if (isRoot) execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, file), ...args], {stdio: 'pipe'});
		else execFileSync(path.join(bin, file), args, {stdio: 'pipe'});
	};

	if (isRoot) execFileSync('chown', ['postgres:postgres', dir]);
	run('initdb', ['-D', data, '--auth=trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
	const port = await freePort();
	const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off`;
	const start = (): void => run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', '-t', '60', 'start']);
	const stop = (): void => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
	start();
	return {
		url: `postgres://postgres@127.0.0.1:${port}/postgres`,
		start,
		stop,
		destroy() {
			try {
				stop();
			} catch {
				// Already stopped.
			}

			rmSync(dir, {recursive: true, force: true});
		},
	};
}
