/** Runs the built rqc binary (dist/cli.js), as a user would. */
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {execa, type Options} from 'execa';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const cliPath = path.join(root, 'dist', 'cli.js');

export interface CliResult {
	readonly exitCode: number;
	readonly stdout: string;
	readonly stderr: string;
}

/**
 * Runs `node dist/cli.js ...args` with a clean environment: only what the test passes plus PATH
 * and HOME, so the developer's own RQC_* or REDIS_URL never leak into a test.
 */
export async function runCli(args: readonly string[], env: Record<string, string | undefined> = {}, options: Options = {}): Promise<CliResult> {
	const result = await execa('node', [...((options as {nodeOptions?: string[]}).nodeOptions ?? []), cliPath, ...args], {
		reject: false,
		extendEnv: false,
		env: {PATH: process.env.PATH, HOME: process.env.HOME, ...env},
		timeout: 60_000,
		stdin: 'ignore',
		...options,
	});
	return {exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr)};
}
