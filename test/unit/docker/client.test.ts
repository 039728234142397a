import Docker from 'dockerode';
import {describe, expect, it} from 'vitest';
import {deriveMonitorDockerClient} from '../../../source/docker/client.js';
import {createDockerClient} from '../../../source/docker/engine.js';

type Modem = {socketPath?: string; host?: string; port?: number; protocol?: string; timeout?: number};

describe('deriveMonitorDockerClient', () => {
	it('keeps the socket and drops the request timeout (it would cut the event stream)', () => {
		const shared = createDockerClient({dockerHost: 'unix:///tmp/some.sock'});
		expect((shared.modem as unknown as Modem).timeout).toBe(10_000);
		const derived = deriveMonitorDockerClient(shared).modem as unknown as Modem;
		expect(derived.socketPath).toBe('/tmp/some.sock');
		expect(derived.timeout).toBeUndefined();
	});

	it('keeps a TCP host and port', () => {
		const derived = deriveMonitorDockerClient(new Docker({host: 'engine.example', port: 2375, protocol: 'http'})).modem as unknown as Modem;
		expect(derived).toMatchObject({host: 'engine.example', port: 2375, protocol: 'http'});
	});
});
