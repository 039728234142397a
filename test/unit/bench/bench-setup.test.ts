/** The pure parts of the shared benchmark set-up: the exit hook's removal request. */
import {describe, expect, it} from 'vitest';
import Docker from 'dockerode';
import {buildRemovalScript, getEngineAddress} from '../../../source/bench/bench-setup.js';
import {dockerOptions} from '../../../source/docker/engine.js';

describe('the exit hook\'s container removal', () => {
	// issue 10.5: it ran `docker rm`, which ignores --docker-host
	it.each([
		{dockerHost: undefined, expected: {socketPath: '/var/run/docker.sock', protocol: 'http:'}, module: 'node:http'},
		{dockerHost: 'unix:///run/user/1000/docker.sock', expected: {socketPath: '/run/user/1000/docker.sock', protocol: 'http:'}, module: 'node:http'},
		{dockerHost: 'tcp://10.0.0.5:2375', expected: {host: '10.0.0.5', port: 2375, protocol: 'http:'}, module: 'node:http'},
		{dockerHost: 'https://builder.example:2376', expected: {host: 'builder.example', port: 2376, protocol: 'https:'}, module: 'node:https'},
	])('goes to the engine the run\'s client talks to ($dockerHost)', ({dockerHost, expected, module}) => {
		const docker = new Docker(dockerOptions(dockerHost));
		const script = buildRemovalScript(getEngineAddress(docker), 'abc123');
		const request = JSON.parse(/\.request\((\{.*?\})\s*,/.exec(script)![1]!) as Record<string, unknown>;
		expect(request).toEqual({...expected, method: 'DELETE', path: '/containers/abc123?force=1&v=1'});
		expect(script).toContain(`require(${JSON.stringify(module)})`);
	});

	it('escapes the container id into the path', () => {
		const script = buildRemovalScript({socketPath: '/s'}, 'a/../b');
		expect(script).toContain('/containers/a%2F..%2Fb?force=1');
	});
});
