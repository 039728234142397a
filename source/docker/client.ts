/**
 * The monitor's Docker client. A stand-in until the shared `engine.ts` (createDockerClient) exists;
 * everything in docker/ takes the client as a parameter, so swapping this is one import.
 */
import Docker from 'dockerode';
import type {Config} from '../config.js';

export type DockerClient = Docker;

/** Options for dockerode from a DOCKER_HOST value (unix://, tcp://, http(s)://). Pure. */
export function dockerOptionsFromHost(dockerHost: string | undefined): Docker.DockerOptions {
	if (!dockerHost) return {socketPath: '/var/run/docker.sock'};
	if (dockerHost.startsWith('unix://')) return {socketPath: dockerHost.slice('unix://'.length)};
	if (dockerHost.startsWith('npipe://')) return {socketPath: dockerHost.slice('npipe://'.length)};
	const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
	return {
		protocol: url.protocol === 'https:' ? 'https' : 'http',
		host: url.hostname,
		port: url.port === '' ? (url.protocol === 'https:' ? 2376 : 2375) : Number(url.port),
	};
}

/** A dockerode client for the configured engine. */
export function createMonitorDockerClient(config: Pick<Config, 'dockerHost'>): DockerClient {
	return new Docker(dockerOptionsFromHost(config.dockerHost));
}

/** True when the engine runs on this machine, so its containers' cgroups are readable here. */
export function isLocalEngine(dockerHost: string | undefined): boolean {
	return dockerHost === undefined || dockerHost === '' || dockerHost.startsWith('unix://') || dockerHost.startsWith('/');
}
