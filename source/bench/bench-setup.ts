/**
 * The set-up `rqc bench run` and `rqc calibrate` share: the host's benchmark lock, the host's
 * facts, the measuring helper, the engine connection (and the clean-up of containers left by
 * runs that died), resource limits, the runner image, and the executors. Everything opened
 * here is closed by BenchHost.close(), and a container is removed through the same engine
 * connection the run used, even when rqc exits without its finally (a second Ctrl-C).
 */
import {spawnSync} from 'node:child_process';
import {readFile} from 'node:fs/promises';
import path from 'node:path';
import {setTimeout as sleep} from 'node:timers/promises';
import type Docker from 'dockerode';
import type {Cache} from '../cache/cache.js';
import type {Config} from '../config.js';
import {createDockerClient, verifyEngine, type EngineInfo} from '../docker/engine.js';
import {UserError} from '../errors.js';
import {BareMetalExecutor} from './bare-metal-executor.js';
import {DockerExecutor, removeStaleBenchContainers} from './docker-executor.js';
import {readHostFacts, type HostFacts} from './environment.js';
import {ensureHelper, type HelperBinary} from './helper.js';
import {parseNofileHardLimit, resolveLimits, type LimitInputs} from './limits.js';
import {acquireBenchLock, type HeldLock, type LockOwner} from './lock.js';
import type {Suite} from './suite.js';

/**
 * The images docker mode tries, first present wins, unless --image or RQC_BENCH_IMAGE says:
 * the compose stack's runner, its CI stand-in (scripts/ci/build-images.sh), then a static
 * busybox, which is enough for the calibration suite.
 */
export const RUNNER_IMAGES = ['rqc/benchmark-runner:0.1.0', 'rqc-standin-runner:ci', 'rqc-busybox:test'] as const;

/** The first of RUNNER_IMAGES that is built on this engine, or undefined when none is. */
export async function findBuiltRunnerImage(docker: Docker): Promise<string | undefined> {
	for (const candidate of RUNNER_IMAGES) {
		if (await docker.getImage(candidate).inspect().then(() => true, () => false)) return candidate;
	}

	return undefined;
}

export type ResolvedLimits = ReturnType<typeof resolveLimits>['limits'];

/** Where a dockerode client connects, as the engine API's own address. Pure. */
export interface EngineAddress {
	readonly socketPath?: string | undefined;
	readonly host?: string | undefined;
	readonly port?: number | string | undefined;
	readonly protocol?: string | undefined;
}

/** Reads the address out of a dockerode client's modem (typed `any` upstream). */
export function getEngineAddress(docker: Docker): EngineAddress {
	const modem: unknown = docker.modem;
	if (typeof modem !== 'object' || modem === null) return {};
	const {socketPath, host, port, protocol} = modem as Record<string, unknown>;
	return {
		socketPath: typeof socketPath === 'string' ? socketPath : undefined,
		host: typeof host === 'string' ? host : undefined,
		port: typeof port === 'number' || typeof port === 'string' ? port : undefined,
		protocol: typeof protocol === 'string' ? protocol : undefined,
	};
}

/**
 * A Node script that removes a container synchronously enough for an exit hook (run with
 * spawnSync), through the given engine address: the run's own connection, not the docker CLI's
 * default. Exported for its test.
 */
export function buildRemovalScript(address: EngineAddress, containerId: string): string {
	const target = address.socketPath === undefined
		? {host: address.host ?? 'localhost', port: Number(address.port ?? 2375), protocol: address.protocol === 'https' ? 'https' : 'http'}
		: {socketPath: address.socketPath, protocol: 'http'};
	const request = {...target, method: 'DELETE', path: `/containers/${encodeURIComponent(containerId)}?force=1&v=1`};
	return `const r=require(${JSON.stringify(target.protocol === 'https' ? 'node:https' : 'node:http')}).request(${JSON.stringify({...request, protocol: `${target.protocol}:`})},(s)=>{s.resume();s.on('end',()=>process.exit(0))});r.on('error',()=>process.exit(1));r.setTimeout(8000,()=>process.exit(1));r.end();`;
}

/** If the process exits without the finally blocks (a second Ctrl-C), remove the container anyway. */
function installExitHook(docker: Docker, containerId: string): () => void {
	const script = buildRemovalScript(getEngineAddress(docker), containerId);
	const hook = (): void => {
		spawnSync(process.execPath, ['-e', script], {stdio: 'ignore', timeout: 10_000});
	};

	process.once('exit', hook);
	return () => {
		process.removeListener('exit', hook);
	};
}

export interface BenchHostOptions {
	readonly suite: Suite;
	/** What the run is, as the host lock tells other consoles (bare_metal, docker, calibration). */
	readonly lockMode?: string;
	readonly config: Pick<Config, 'dataDir' | 'dockerHost'>;
	readonly cache?: Cache | undefined;
	readonly signal: AbortSignal;
	readonly env?: Readonly<Record<string, string | undefined>> | undefined;
	readonly docker?: Docker | undefined;
	/** Wait for another run on this host (true) or fail at once (false). */
	readonly shouldWait: boolean;
	/** One-line notes for people. */
	readonly notice: (text: string) => void;
	/** What to say while waiting for the lock (default: who holds it and that --no-wait fails instead). */
	readonly onWait?: (holder: LockOwner | undefined) => void;
}

/** The host side of a benchmark: held lock, facts, engine client, and the executors opened on it. */
export class BenchHost {
	readonly facts: HostFacts;
	readonly docker: Docker;
	readonly suiteDir: string;
	readonly #options: BenchHostOptions;
	readonly #lock: HeldLock;
	readonly #closers: Array<() => Promise<void> | void> = [];
	#helper: Promise<HelperBinary> | undefined;
	#engine: Promise<EngineInfo> | undefined;

	private constructor(options: BenchHostOptions, lock: HeldLock, facts: HostFacts, docker: Docker) {
		this.#options = options;
		this.#lock = lock;
		this.facts = facts;
		this.docker = docker;
		this.suiteDir = options.suite.file === '<inline>' ? process.cwd() : path.dirname(options.suite.file);
	}

	/** Takes the host's benchmark lock (waiting if asked), then reads the host's facts. */
	static async open(options: BenchHostOptions): Promise<BenchHost> {
		const lock = await acquireBenchLock(options.cache, options.config.dataDir, {
			suite: options.suite.name,
			...(options.lockMode ? {mode: options.lockMode} : {}),
			shouldWait: options.shouldWait,
			signal: options.signal,
			onFallback: options.notice,
			onWait: options.onWait ?? ((holder: LockOwner | undefined) => {
				options.notice(`waiting for the benchmark run already on this host${holder ? ` (suite ${holder.suite}, pid ${holder.pid}, since ${holder.since})` : ''}; --no-wait fails instead`);
			}),
		});
		try {
			const facts = await readHostFacts();
			return new BenchHost(options, lock, facts, options.docker ?? createDockerClient(options.config));
		} catch (error) {
			await lock.release();
			throw error;
		}
	}

	/** The measuring helper, built once (it is compiled into the data directory when missing). */
	async getHelper(): Promise<HelperBinary> {
		this.#helper ??= ensureHelper(this.#options.config.dataDir, this.#options.env ?? process.env);
		return this.#helper;
	}

	/** The engine's facts; throws a ServiceError naming the fix when it cannot be reached. Asked once. */
	async verifyEngine(): Promise<EngineInfo> {
		this.#engine ??= verifyEngine(this.docker, this.#options.config.dockerHost);
		return this.#engine;
	}

	/**
	 * Removes containers of runs whose rqc was killed (no finally ran); a host without Docker is
	 * fine (a bare-metal run), so this gives up quietly after `timeoutMs`.
	 */
	async removeStaleContainers(timeoutMs = 3000): Promise<void> {
		const removed = await Promise.race([
			removeStaleBenchContainers(this.docker).catch(() => []),
			sleep(timeoutMs, [] as string[], {ref: false}),
		]);
		if (removed.length > 0) this.#options.notice(`removed ${removed.length} benchmark container(s) left by runs that died: ${removed.join(', ')}`);
	}

	/** The limits for a container on this host; a UserError lists what is wrong. */
	async resolveLimits(inputs: LimitInputs, hint?: string): Promise<ResolvedLimits> {
		const ownLimits = await readFile('/proc/self/limits', 'utf8').catch(() => '');
		const resolved = resolveLimits(inputs, {cores: this.facts.cores, memoryBytes: this.facts.memoryBytes, nofileHardLimit: parseNofileHardLimit(ownLimits)});
		if (resolved.problems.length > 0) throw new UserError(resolved.problems.join('; '), hint);
		return resolved.limits;
	}

	/** The image docker mode uses: the one asked for, else the first built of RUNNER_IMAGES. */
	async chooseRunnerImage(requested: string | undefined): Promise<string> {
		const image = requested ?? (this.#options.env ?? process.env).RQC_BENCH_IMAGE;
		if (image !== undefined && image !== '') return image;
		const built = (await findBuiltRunnerImage(this.docker)) ?? RUNNER_IMAGES[0];
		if (built !== RUNNER_IMAGES[0]) this.#options.notice(`image ${RUNNER_IMAGES[0]} not built (docker compose --profile benchmarks build); using ${built}`);
		return built;
	}

	/** Creates and starts a benchmark container; it is removed at close(), or by an exit hook through the same engine. */
	async openDockerExecutor(options: {image: string; limits: ResolvedLimits; name: string; extraBinds?: readonly string[]; scratchCommand?: readonly string[]}): Promise<DockerExecutor> {
		const engine = await this.verifyEngine();
		const executor = await DockerExecutor.create({
			docker: this.docker,
			helper: await this.getHelper(),
			image: options.image,
			limits: options.limits,
			suiteDir: this.suiteDir,
			engineVersion: engine.version,
			cgroupVersion: engine.cgroupVersion,
			name: options.name,
			...(options.extraBinds ? {extraBinds: options.extraBinds} : {}),
			...(options.scratchCommand ? {scratchCommand: options.scratchCommand} : {}),
		});
		const removeExitHook = installExitHook(this.docker, executor.containerId);
		this.#closers.push(async () => {
			await executor.close();
			removeExitHook();
		});
		return executor;
	}

	/** A bare-metal executor (its scratch directory is removed at close()). */
	async openBareMetalExecutor(): Promise<BareMetalExecutor> {
		const executor = await BareMetalExecutor.create(await this.getHelper(), this.suiteDir, this.#options.env ?? process.env);
		this.#closers.push(async () => executor.close());
		return executor;
	}

	/** Closes every executor opened here (the latest first), then releases the lock; never throws for a closer. */
	async close(): Promise<void> {
		for (const close of this.#closers.splice(0).reverse()) {
			try {
				await close();
			} catch {
				// Closers report their own trouble; the lock must still be released.
			}
		}

		await this.#lock.release();
	}
}
