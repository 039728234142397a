/** The Docker engine: a client that honours DOCKER_HOST, and what `rqc doctor` reports of it. */
import type Docker from 'dockerode';
import type {Config} from '../config.js';
import {ServiceError} from '../errors.js';
import {redactSecrets, redactUrl} from '../redact.js';
import {loadDockerode} from './dockerode-load.js';

export interface EngineInfo {
	readonly isReachable: boolean;
	/** unix:///var/run/docker.sock, tcp://host:2376, ... */
	readonly endpoint: string;
	readonly isLocal: boolean;
	readonly version: string | undefined;
	readonly apiVersion: string | undefined;
	readonly os: string | undefined;
	readonly cgroupVersion: string | undefined;
	readonly cgroupDriver: string | undefined;
	readonly error: string | undefined;
}

/** The endpoint rqc talks to, as a URL-ish string for people (a password in it masked: issue 11). */
export function describeEndpoint(dockerHost: string | undefined): string {
	return dockerHost === undefined ? 'unix:///var/run/docker.sock' : redactUrl(dockerHost);
}

/** dockerode options for a DOCKER_HOST value (unix://, tcp://, http(s)://) or the default socket. */
export function dockerOptions(dockerHost: string | undefined): Docker.DockerOptions {
	if (!dockerHost) return {socketPath: '/var/run/docker.sock'};
	if (dockerHost.startsWith('unix://')) return {socketPath: dockerHost.slice('unix://'.length)};
	const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
	return {host: url.hostname, port: Number(url.port || 2375), protocol: url.protocol === 'https:' ? 'https' : 'http'};
}

/** A dockerode client for the configured engine. Creating it does not connect. */
export function createDockerClient(config: Pick<Config, 'dockerHost'> & Partial<Pick<Config, 'dataDir'>>): Docker {
	const Client = loadDockerode({dataDir: config.dataDir});
	return new Client({...dockerOptions(config.dockerHost), timeout: 10_000});
}

/** Whether the engine runs on this machine (so its cgroup files can be read directly). */
export function isLocalEngine(dockerHost: string | undefined): boolean {
	return !dockerHost || dockerHost.startsWith('unix://');
}

/** Asks the engine for its version and facts; never throws (isReachable says how it went). */
export async function getEngineInfo(docker: Docker, dockerHost: string | undefined, timeoutMs = 3000): Promise<EngineInfo> {
	const endpoint = describeEndpoint(dockerHost);
	const base = {endpoint, isLocal: isLocalEngine(dockerHost)};
	try {
		const withTimeout = <T>(promise: Promise<T>) => Promise.race([
			promise,
			new Promise<never>((_, reject) => {
				setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref();
			}),
		]);
		const [version, info] = await Promise.all([withTimeout(docker.version()), withTimeout(docker.info() as Promise<Record<string, unknown>>)]);
		return {
			...base,
			isReachable: true,
			version: version.Version,
			apiVersion: version.ApiVersion,
			os: `${version.Os}/${version.Arch}`,
			cgroupVersion: typeof info.CgroupVersion === 'string' ? info.CgroupVersion : undefined,
			cgroupDriver: typeof info.CgroupDriver === 'string' ? info.CgroupDriver : undefined,
			error: undefined,
		};
	} catch (error) {
		return {
			...base,
			isReachable: false,
			version: undefined,
			apiVersion: undefined,
			os: undefined,
			cgroupVersion: undefined,
			cgroupDriver: undefined,
			error: redactSecrets(describeDockerError(error)),
		};
	}
}

function describeDockerError(error: unknown): string {
	const {code, message} = error as {code?: string; message?: string};
	if (code === 'ENOENT') return 'no Docker socket (the engine is not running or not installed)';
	if (code === 'ECONNREFUSED') return 'connection refused (the engine is not running)';
	if (code === 'EACCES') return 'permission denied on the Docker socket';
	return message ?? String(error);
}

/** How to get a Docker engine running, for doctor and for exit-3 errors. */
export function engineHint(info: Pick<EngineInfo, 'error' | 'isLocal'>): string {
	if (info.error?.includes('permission denied')) return 'add yourself to the docker group (sudo usermod -aG docker $USER) and log in again';
	if (!info.isLocal) return 'check DOCKER_HOST and that the remote engine is up';
	return 'start the engine (sudo systemctl start docker, or sudo dockerd &); install it with sudo apt-get install docker.io if missing';
}

/** Throws a ServiceError (exit 3) unless the engine answers. */
export async function verifyEngine(docker: Docker, dockerHost: string | undefined): Promise<EngineInfo> {
	const info = await getEngineInfo(docker, dockerHost);
	if (!info.isReachable) {
		throw new ServiceError('docker', `the Docker engine at ${info.endpoint} is unreachable: ${info.error}`, engineHint(info));
	}

	return info;
}
