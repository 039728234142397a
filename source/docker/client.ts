/**
 * The monitor's Docker client: the shared engine options (engine.ts) but WITHOUT the request
 * timeout createDockerClient sets. docker-modem applies that timeout as an idle-socket timeout,
 * so the event stream and `logs --follow`, which can be silent for minutes, would be cut every
 * 10 s and the pane would flicker to "unreachable". Plain requests still fail fast when the
 * engine is down (connection refused / socket missing).
 */
import type Docker from 'dockerode';
import type {Config} from '../config.js';
import {loadDockerode} from './dockerode-load.js';
import {dockerOptions} from './engine.js';

export type DockerClient = Docker;

/** A dockerode client for long-lived streams (events, logs) and the monitor's calls. */
export function createMonitorDockerClient(config: Pick<Config, 'dockerHost'> & Partial<Pick<Config, 'dataDir'>>): DockerClient {
	const Client = loadDockerode({dataDir: config.dataDir});
	return new Client(dockerOptions(config.dockerHost));
}

export {isLocalEngine} from './engine.js';

/**
 * A timeout-free twin of an existing client (same socket or host, same TLS files): the pane gets
 * the shell's client (a fake one in tests) and derives its streaming client from it.
 */
export function deriveMonitorDockerClient(docker: DockerClient): DockerClient {
	const modem = docker.modem as unknown as {
		socketPath?: string; host?: string; port?: number | string; protocol?: 'http' | 'https' | 'ssh';
		ca?: string | Buffer; cert?: string | Buffer; key?: string | Buffer;
	};
	const Client = loadDockerode();
	if (modem.host) {
		return new Client({host: modem.host, port: modem.port, protocol: modem.protocol, ca: modem.ca, cert: modem.cert, key: modem.key});
	}

	return new Client({socketPath: modem.socketPath ?? '/var/run/docker.sock'});
}
