/** A private redis-server on a free port, so a test can stop and start it without touching others. */
import {spawn, type ChildProcess} from 'node:child_process';
import net from 'node:net';
import {getFreePort} from './ports.js';

async function waitForPort(port: number, isUp: boolean, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const answered = await new Promise<boolean>((resolve) => {
			const socket = net.connect(port, '127.0.0.1');
			socket.once('connect', () => {
				socket.destroy();
				resolve(true);
			});
			socket.once('error', () => resolve(false));
		});
		if (answered === isUp) return;
		await new Promise((resolve) => {
			setTimeout(resolve, 50);
		});
	}

	throw new Error(`port ${port} did not become ${isUp ? 'open' : 'closed'} in ${timeoutMs} ms`);
}

export class RedisServer {
	private child: ChildProcess | undefined;

	constructor(readonly port: number) {}

	static async start(): Promise<RedisServer> {
		const server = new RedisServer(await getFreePort());
		await server.start();
		return server;
	}

	get url(): string {
		return `redis://127.0.0.1:${this.port}`;
	}

	async start(): Promise<void> {
		this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {stdio: 'ignore'});
		await waitForPort(this.port, true);
	}

	async stop(): Promise<void> {
		const child = this.child;
		if (!child || child.exitCode !== null) return;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		child.kill('SIGKILL');
		await exited;
		await waitForPort(this.port, false);
		this.child = undefined;
	}
}
