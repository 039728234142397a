/** Which compose CLI this machine has: `docker compose` (v2) preferred, else `docker-compose` (v1). */
import {execa} from 'execa';

export interface ComposeCli {
	readonly kind: 'v2' | 'v1';
	/** The program and the leading arguments: ['docker', 'compose'] or ['docker-compose']. */
	readonly command: readonly [string, ...string[]];
	readonly version: string;
}

let detected: Promise<ComposeCli | undefined> | undefined;

async function versionOf(file: string, args: readonly string[]): Promise<string | undefined> {
	try {
		const {stdout} = await execa(file, [...args, 'version', '--short'], {timeout: 5000, env: {DOCKER_CLI_HINTS: 'false'}});
		const version = stdout.trim().split('\n')[0];
		return version || undefined;
	} catch {
		return undefined;
	}
}

/** Detects the compose CLI once per process; undefined when neither is installed. */
export async function detectComposeCli(): Promise<ComposeCli | undefined> {
	detected ??= (async () => {
		const v2 = await versionOf('docker', ['compose']);
		if (v2) return {kind: 'v2', command: ['docker', 'compose'], version: v2.replace(/^v/, '')} as const;
		const v1 = await versionOf('docker-compose', []);
		if (v1) return {kind: 'v1', command: ['docker-compose'], version: v1} as const;
		return undefined;
	})();
	return detected;
}

export const composeInstallHint = 'install the Docker Compose plugin (docker compose) or, on Debian, sudo apt-get install docker-compose';
