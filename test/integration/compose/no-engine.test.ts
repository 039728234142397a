/** With no Docker engine to reach, the stack commands stop with exit 3 and say how to start one. */
import path from 'node:path';
import {Writable} from 'node:stream';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {resolveConfig} from '../../../source/config.js';
import {downCommand} from '../../../source/commands/down.js';
import {logsCommand} from '../../../source/commands/logs.js';
import {psCommand} from '../../../source/commands/ps.js';
import {upCommand} from '../../../source/commands/up.js';
import type {CommandContext, CommandSpec} from '../../../source/commands/types.js';
import {ServiceError} from '../../../source/errors.js';

const composeDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../compose');

function context(args: string[]): CommandContext {
	const discard = new Writable({
		write(_chunk, _encoding, callback) {
			callback();
		},
	});
	return {
		args,
		flags: {},
		config: resolveConfig({flags: {dockerHost: 'unix:///nonexistent/rqc-test-docker.sock', project: 'rqc-no-engine'}, env: {}, homeDir: '/tmp', defaultComposeDir: composeDir}),
		isJson: false,
		isVerbose: false,
		hasColor: false,
		stdout: discard,
		stderr: discard,
		env: {PATH: process.env.PATH},
		signal: new AbortController().signal,
		openStore: async () => {
			throw new Error('not used');
		},
		openCache: async () => {
			throw new Error('not used');
		},
	};
}

describe('stack commands without a Docker engine', () => {
	it.each([
		['up', upCommand, []],
		['down', downCommand, []],
		['ps', psCommand, []],
		['logs', logsCommand, ['redis']],
	] as Array<[string, CommandSpec, string[]]>)('rqc %s: ServiceError, exit 3, with how to start an engine', async (_name, command, args) => {
		const error = await command.run(context(args)).then(() => undefined, (caught: unknown) => caught);
		expect(error).toBeInstanceOf(ServiceError);
		expect((error as ServiceError).exitCode).toBe(3);
		expect((error as ServiceError).service).toBe('docker');
		expect((error as ServiceError).message).toContain('unix:///nonexistent/rqc-test-docker.sock');
		expect((error as ServiceError).hint).toMatch(/DOCKER_HOST|start the engine/);
	});
});
