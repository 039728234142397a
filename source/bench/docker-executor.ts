/**
 * Docker mode: one dedicated container per run, with fixed CPUs, memory (= memory+swap), cpu
 * shares, pids limit, nofile ulimit and host network. Its PID 1 is the helper in idle mode; each
 * case runs as `docker exec <helper> ...` inside it. Created at the start, removed at the end
 * whatever happens (close() is idempotent and the runner calls it from finally and on signals).
 */
import {hostname} from 'node:os';
import path from 'node:path';
import {PassThrough, type Readable} from 'node:stream';
import type Docker from 'dockerode';
import {ExternalError, UserError} from '../errors.js';
import type {EngineStatsJson} from '../docker/convert.js';
import type {ContainerSample, ExecutionEnvironment, ResourceLimits} from '../store/records.js';
import {toContainerSample} from './container-stats.js';
import type {CommandResult, Executor, MeasureRequest} from './executor.js';
import type {HelperBinary} from './helper.js';
import {readHelperOutput, type HelperIteration, type HelperOutcome} from './measure.js';

export const CONTAINER_HELPER = '/rqc/bin/rqc-measure';
export const CONTAINER_SUITE_DIR = '/rqc/suite';
/** A volume in the container (see create()), on the host's disk. */
export const CONTAINER_TMP_DIR = '/tmp';
export const CONTAINER_SCRATCH_DIR = `${CONTAINER_TMP_DIR}/rqc-scratch`;
/** Labels every bench container carries, so a leftover one can be found and removed. */
export const BENCH_LABEL = 'rqc.bench';

export interface DockerExecutorOptions {
	readonly docker: Docker;
	readonly helper: HelperBinary;
	readonly image: string;
	readonly limits: Required<Omit<ResourceLimits, 'network'>> & {readonly network: string};
	/** Host path of the suite's directory, mounted read-only. */
	readonly suiteDir: string;
	readonly engineVersion: string | undefined;
	readonly cgroupVersion: string | undefined;
	/** A name for the container (made unique by the caller). */
	readonly name: string;
	readonly labels?: Readonly<Record<string, string>>;
	/** More read-only bind mounts, `hostPath:containerPath` (calibration: the workload binary). */
	readonly extraBinds?: readonly string[];
	/** The command making the scratch directory (default `mkdir -p`; rqc-work's own for an image without a shell). */
	readonly scratchCommand?: readonly string[];
}

function describe(error: unknown): string {
	const {json, message, reason} = error as {json?: {message?: string}; message?: string; reason?: string};
	return json?.message ?? message ?? reason ?? String(error);
}

export class DockerExecutor implements Executor {
	readonly mode = 'docker' as const;
	readonly scratchDir = CONTAINER_SCRATCH_DIR;
	readonly suiteDir = CONTAINER_SUITE_DIR;
	readonly containerId: string;
	readonly containerName: string;
	readonly #docker: Docker;
	readonly #container: Docker.Container;
	readonly #options: DockerExecutorOptions;
	readonly #imageId: string | undefined;
	#closing: Promise<void> | undefined;

	private constructor(options: DockerExecutorOptions, container: Docker.Container, imageId: string | undefined) {
		this.#docker = options.docker;
		this.#options = options;
		this.#container = container;
		this.containerId = container.id;
		this.containerName = options.name;
		this.#imageId = imageId;
	}

	/** Creates and starts the run's container; throws UserError for a missing image. */
	static async create(options: DockerExecutorOptions): Promise<DockerExecutor> {
		if (!options.helper.isStatic) {
			throw new UserError('docker mode needs a statically linked measuring helper, and only a dynamic one could be built', 'install the static C library (Debian: apt-get install libc6-dev) and run again');
		}

		let imageId: string | undefined;
		try {
			imageId = (await options.docker.getImage(options.image).inspect()).Id;
		} catch (error) {
			if ((error as {statusCode?: number}).statusCode === 404) {
				throw new UserError(`the image ${options.image} is not on this Docker engine`, 'build it (bash scripts/ci/build-images.sh, or docker compose build benchmark-runner) or choose another with --image');
			}

			throw error;
		}

		const {limits} = options;
		const container = await options.docker.createContainer({
			name: options.name,
			Image: options.image,
			Entrypoint: [CONTAINER_HELPER],
			Cmd: ['--idle'],
			WorkingDir: '/',
			Labels: {[BENCH_LABEL]: '1', 'rqc.bench.host': hostname(), 'rqc.bench.pid': String(process.pid), ...options.labels},
			HostConfig: {
				NanoCpus: Math.round(limits.cpus * 1e9),
				Memory: limits.memoryBytes,
				MemorySwap: limits.memorySwapBytes,
				CpuShares: limits.cpuShares,
				PidsLimit: limits.pidsLimit,
				Ulimits: [{Name: 'nofile', Soft: limits.nofile, Hard: limits.nofile}],
				NetworkMode: limits.network,
				Binds: [`${options.helper.path}:${CONTAINER_HELPER}:ro`, `${path.resolve(options.suiteDir)}:${CONTAINER_SUITE_DIR}:ro`, ...(options.extraBinds ?? []).map((bind) => `${bind}:ro`)],
				// The container's /tmp (and the scratch directory in it) is an anonymous volume, filled
				// from the image's /tmp with its permissions: file I/O goes to the host's disk as on bare
				// metal, not through the storage driver (overlay2), whose layering cost several percent
				// of an I/O-bound case's CPU time here, and moved with it (issue 15). Removed with the
				// container (close() removes with v: true).
				Mounts: [{Type: 'volume', Source: '', Target: CONTAINER_TMP_DIR}],
				AutoRemove: false,
			},
		});
		const executor = new DockerExecutor(options, container, imageId);
		try {
			await container.start();
			const scratchCommand = options.scratchCommand ?? ['mkdir', '-p', CONTAINER_SCRATCH_DIR];
			const made = await executor.run(scratchCommand, {cwd: '/', env: {}, timeoutMs: 30_000}, new AbortController().signal);
			if (made.exitCode !== 0) throw new ExternalError(`docker exec ${options.name} ${scratchCommand.join(' ')}`, `cannot make the scratch directory in ${options.image}: ${made.output.trim()}`);
		} catch (error) {
			await executor.close();
			if (error instanceof ExternalError) throw error;
			const text = describe(error);
			if (/rlimit/i.test(text)) throw new UserError(`the Docker engine cannot set nofile=${limits.nofile} for the benchmark container: ${text}`, 'pass a lower --nofile (at most the engine\'s own hard limit)');
			throw new ExternalError(`docker start ${options.name}`, `cannot start the benchmark container from ${options.image}: ${text}`);
		}

		return executor;
	}

	#oomFile(): string {
		return this.#options.cgroupVersion === '2' ? '/sys/fs/cgroup/memory.events' : '/sys/fs/cgroup/memory/memory.oom_control';
	}

	async #exec(argv: readonly string[], cwd: string, env: Readonly<Record<string, string>>): Promise<{exec: Docker.Exec; stdout: Readable; stderr: PassThrough}> {
		const exec = await this.#container.exec({
			Cmd: [...argv],
			Env: Object.entries({RQC_SUITE_DIR: CONTAINER_SUITE_DIR, RQC_SCRATCH_DIR: CONTAINER_SCRATCH_DIR, ...env}).map(([key, value]) => `${key}=${value}`),
			WorkingDir: cwd,
			AttachStdout: true,
			AttachStderr: true,
			AttachStdin: false,
			Tty: false,
		});
		const stream = await exec.start({hijack: true, stdin: false});
		const stdout = new PassThrough();
		const stderr = new PassThrough();
		this.#docker.modem.demuxStream(stream, stdout, stderr);
		const end = (): void => {
			stdout.end();
			stderr.end();
		};

		stream.once('end', end);
		stream.once('close', end);
		stream.once('error', end);
		return {exec, stdout, stderr};
	}

	async measure(request: MeasureRequest, onBatch: (iterations: HelperIteration[]) => void, signal: AbortSignal): Promise<HelperOutcome> {
		const args = ['--iterations', String(request.iterations), '--timeout-ms', String(request.timeoutMs), '--cwd', request.cwd, '--oom-file', this.#oomFile()];
		if (request.shouldStopOnFailure) args.push('--stop-on-failure');
		const {exec, stdout, stderr} = await this.#exec([CONTAINER_HELPER, ...args, '--', ...request.argv], '/', request.env);
		let errorText = '';
		stderr.setEncoding('utf8');
		stderr.on('data', (chunk: string) => {
			errorText = (errorText + chunk).slice(-2000);
		});
		// On abort the exec cannot be signalled through the API: ending the stream returns at once,
		// and the runner removes the container, which kills the helper and its iteration.
		const onAbort = (): void => {
			stdout.destroy();
		};

		signal.addEventListener('abort', onAbort, {once: true});
		try {
			const outcome = await readHelperOutput(stdout, onBatch).catch((error: unknown) => {
				if (signal.aborted) return {count: 0, error: undefined, isComplete: false};
				throw error;
			});
			if (!signal.aborted) {
				const inspected = await exec.inspect();
				if (inspected.ExitCode === 2 && outcome.count === 0) throw new ExternalError(`docker exec ${this.containerName} ${CONTAINER_HELPER} ${args.join(' ')}`, 'the measuring helper rejected its arguments', errorText);
			}

			return outcome;
		} finally {
			signal.removeEventListener('abort', onAbort);
		}
	}

	async run(argv: readonly string[], options: {cwd: string; env: Readonly<Record<string, string>>; timeoutMs: number}, signal: AbortSignal): Promise<CommandResult> {
		// `timeout` may not exist in the image, so the exec is bounded from here; the container's
		// removal at the end ends anything left behind.
		const {exec, stdout, stderr} = await this.#exec(argv, options.cwd, options.env);
		let output = '';
		const collect = (chunk: Buffer): void => {
			output = (output + chunk.toString('utf8')).slice(-2000);
		};

		stdout.on('data', collect);
		stderr.on('data', collect);
		const finished = new Promise<void>((resolve) => {
			stdout.once('end', resolve);
			stdout.once('close', resolve);
		});
		let timer: NodeJS.Timeout | undefined;
		const timedOut = new Promise<'timeout'>((resolve) => {
			timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
		});
		const aborted = new Promise<'aborted'>((resolve) => {
			if (signal.aborted) resolve('aborted');
			signal.addEventListener('abort', () => resolve('aborted'), {once: true});
		});
		try {
			const outcome = await Promise.race([finished.then(() => 'done' as const), timedOut, aborted]);
			if (outcome !== 'done') {
				stdout.destroy();
				return {exitCode: outcome === 'timeout' ? 124 : 130, output: `${output}\n(${outcome === 'timeout' ? `timed out after ${options.timeoutMs} ms` : 'aborted'})`};
			}

			const inspected = await exec.inspect();
			return {exitCode: inspected.ExitCode ?? 1, output};
		} finally {
			clearTimeout(timer);
		}
	}

	/** Streams the container's resource use; returns the stop function. */
	streamStats(runId: number, onSample: (sample: ContainerSample) => void): () => void {
		let stream: Readable | undefined;
		let isStopped = false;
		void (async () => {
			try {
				stream = (await this.#container.stats({stream: true})) as unknown as Readable;
				if (isStopped) {
					stream.destroy();
					return;
				}

				let pending = '';
				stream.setEncoding('utf8');
				stream.on('data', (chunk: string) => {
					pending += chunk;
					const lines = pending.split('\n');
					pending = lines.pop() ?? '';
					for (const line of lines) {
						if (line.trim() === '') continue;
						try {
							const stats = JSON.parse(line) as EngineStatsJson;
							if (stats.precpu_stats?.system_cpu_usage === undefined) continue; // the first reading has no interval
							onSample(toContainerSample(stats, {id: this.containerId, name: this.containerName, runId}, new Date()));
						} catch {
							// A torn line: the next one will do.
						}
					}
				});
				stream.on('error', () => {});
			} catch {
				// Stats are a bonus; the run goes on without them.
			}
		})();
		return () => {
			isStopped = true;
			stream?.destroy();
		};
	}

	getEnvironment(): Partial<ExecutionEnvironment> {
		const {limits} = this.#options;
		return {
			runtime: 'docker',
			containerId: this.containerId,
			image: this.#options.image,
			...(this.#imageId === undefined ? {} : {imageId: this.#imageId}),
			...(this.#options.engineVersion === undefined ? {} : {engineVersion: this.#options.engineVersion}),
			limits: {...limits},
			containerName: this.containerName,
			// Where the cases' files go: /tmp as a volume, past the storage driver (runs made before
			// this field existed wrote them through overlay2).
			tmp: 'volume',
		};
	}

	/** Removes the container (force), once; never throws. */
	async close(): Promise<void> {
		this.#closing ??= this.#container.remove({force: true, v: true}).then(() => undefined, (error: unknown) => {
			if ((error as {statusCode?: number}).statusCode === 404) return;
			// Removal already in progress (409) also ends with the container gone.
			if ((error as {statusCode?: number}).statusCode === 409) return;
			process.stderr.write(`rqc: could not remove benchmark container ${this.containerName}: ${describe(error)}\n`);
		});
		return this.#closing;
	}
}

/** Removes bench containers left by runs whose process is gone (a kill -9 or a crash). */
export async function removeStaleBenchContainers(docker: Docker, isAlive: (pid: number) => boolean = isProcessAlive): Promise<string[]> {
	const host = hostname();
	const containers = await docker.listContainers({all: true, filters: {label: [BENCH_LABEL]}});
	const removed: string[] = [];
	for (const info of containers) {
		const pid = Number(info.Labels['rqc.bench.pid']);
		if (info.Labels['rqc.bench.host'] !== host || !Number.isInteger(pid) || isAlive(pid)) continue;
		try {
			await docker.getContainer(info.Id).remove({force: true, v: true});
			removed.push(info.Names[0]?.replace(/^\//, '') ?? info.Id);
		} catch {
			// Gone meanwhile.
		}
	}

	return removed;
}

/** Whether a process with this pid exists on this host. */
export function isProcessAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}
