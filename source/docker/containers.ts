/**
 * Lists, inspects and drives containers. Returns plain records (never dockerode objects).
 * By default only the compose project's containers (label com.docker.compose.project=<project>);
 * `all` lists every container on the engine.
 */
import {PassThrough} from 'node:stream';
import type Docker from 'dockerode';
import {ExternalError, ServiceError} from '../errors.js';
import {redactSecrets} from '../redact.js';
import type {DockerClient} from './client.js';

export const PROJECT_LABEL = 'com.docker.compose.project';
export const SERVICE_LABEL = 'com.docker.compose.service';

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead' | 'unknown';
export type HealthState = 'healthy' | 'unhealthy' | 'starting' | 'none';

export interface PortRecord {
	readonly containerPort: number;
	readonly protocol: string;
	readonly hostIp: string | undefined;
	readonly hostPort: number | undefined;
}

/** One container, as rqc shows it. */
export interface ContainerRecord {
	readonly id: string;
	/** The container's name without the leading slash. */
	readonly name: string;
	/** The compose service (label), or undefined outside compose. */
	readonly service: string | undefined;
	readonly project: string | undefined;
	readonly image: string;
	readonly state: ContainerState;
	readonly health: HealthState;
	/** The last health probe's output (trimmed), when there is a health check. */
	readonly healthOutput: string | undefined;
	readonly healthExitCode: number | undefined;
	readonly healthFailingStreak: number;
	readonly restartCount: number;
	/** When the container last started (ms since the epoch), undefined if never. */
	readonly startedAt: number | undefined;
	readonly finishedAt: number | undefined;
	readonly exitCode: number | undefined;
	readonly oomKilled: boolean;
	/** The main process's pid on the host (0 when not running). */
	readonly pid: number;
	/** CPU limit in cores (--cpus, or quota/period), undefined when unlimited. */
	readonly cpuLimit: number | undefined;
	/** Memory limit in bytes, undefined when unlimited. */
	readonly memoryLimitBytes: number | undefined;
	readonly ports: readonly PortRecord[];
}

/** A line of `docker ps`: enough to decide what to inspect. */
export interface ContainerSummary {
	readonly id: string;
	readonly name: string;
	readonly state: ContainerState;
}

export interface ListOptions {
	/** The compose project to filter by. */
	readonly project: string;
	/** Every container on the engine, not only the project's. */
	readonly isAll?: boolean;
	/** Include stopped containers (default true: a stopped service is worth seeing). */
	readonly includeStopped?: boolean;
}

/** Docker's zero time ("0001-01-01T00:00:00Z") and bad dates become undefined. Pure. */
export function parseDockerTime(value: string | undefined): number | undefined {
	if (!value) return undefined;
	const ms = Date.parse(value);
	return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

const states = new Set<ContainerState>(['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead']);

/** Pure. */
export function toContainerState(status: string | undefined): ContainerState {
	const s = (status ?? '').toLowerCase() as ContainerState;
	return states.has(s) ? s : 'unknown';
}

/** Pure. */
export function toHealthState(status: string | undefined): HealthState {
	if (status === 'healthy' || status === 'unhealthy' || status === 'starting') return status;
	return 'none';
}

/** Turns `docker inspect` output into a ContainerRecord. Pure. */
export function toContainerRecord(info: Docker.ContainerInspectInfo): ContainerRecord {
	const labels = info.Config?.Labels ?? {};
	const health = info.State.Health;
	const lastProbe = health?.Log?.at(-1);
	const hostConfig = info.HostConfig ?? {};
	let cpuLimit: number | undefined;
	if (hostConfig.NanoCpus) cpuLimit = hostConfig.NanoCpus / 1e9;
	else if (hostConfig.CpuQuota && hostConfig.CpuQuota > 0) cpuLimit = hostConfig.CpuQuota / (hostConfig.CpuPeriod || 100_000);
	const ports: PortRecord[] = [];
	for (const [key, bindings] of Object.entries(info.NetworkSettings?.Ports ?? {})) {
		const [port, protocol = 'tcp'] = key.split('/');
		const containerPort = Number(port);
		if (!bindings || bindings.length === 0) {
			ports.push({containerPort, protocol, hostIp: undefined, hostPort: undefined});
			continue;
		}

		for (const binding of bindings) {
			ports.push({containerPort, protocol, hostIp: binding.HostIp || undefined, hostPort: binding.HostPort ? Number(binding.HostPort) : undefined});
		}
	}

	const state = toContainerState(info.State.Status);
	return {
		id: info.Id,
		name: info.Name.replace(/^\//, ''),
		service: labels[SERVICE_LABEL],
		project: labels[PROJECT_LABEL],
		image: info.Config?.Image ?? info.Image,
		state,
		health: toHealthState(health?.Status),
		healthOutput: lastProbe ? redactSecrets(lastProbe.Output.trim()) : undefined,
		healthExitCode: lastProbe?.ExitCode,
		healthFailingStreak: health?.FailingStreak ?? 0,
		restartCount: info.RestartCount ?? 0,
		startedAt: parseDockerTime(info.State.StartedAt),
		finishedAt: parseDockerTime(info.State.FinishedAt),
		exitCode: state === 'running' ? undefined : info.State.ExitCode,
		oomKilled: info.State.OOMKilled,
		pid: info.State.Pid ?? 0,
		cpuLimit,
		memoryLimitBytes: hostConfig.Memory ? hostConfig.Memory : undefined,
		ports,
	};
}

/** The HTTP status of a dockerode error, if it has one. */
function statusCodeOf(error: unknown): number | undefined {
	const code = (error as {statusCode?: unknown} | undefined)?.statusCode;
	return typeof code === 'number' ? code : undefined;
}

/** The container does not exist (any more). */
export function isNotFound(error: unknown): boolean {
	return statusCodeOf(error) === 404;
}

/** The engine cannot be reached (socket missing, refused, connection dropped). */
export function isEngineUnreachable(error: unknown): boolean {
	if (error instanceof ServiceError) return true;
	const code = (error as {code?: unknown} | undefined)?.code;
	if (typeof code === 'string' && ['ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)) return true;
	const message = error instanceof Error ? error.message : String(error);
	return /socket hang up|connect E|ECONNRESET|aborted/i.test(message);
}

/** Maps an engine error to rqc's kinds: unreachable → ServiceError, else ExternalError. */
export function toDockerError(error: unknown, what: string): Error {
	if (isEngineUnreachable(error)) {
		return new ServiceError('docker', `the Docker engine is unreachable (${redactSecrets(errorText(error))})`, 'start the engine (or check DOCKER_HOST) and try again', {cause: error});
	}

	return new ExternalError(what, `${what} failed: ${errorText(error)}`, '', undefined, {cause: error});
}

function errorText(error: unknown): string {
	const json = (error as {json?: {message?: unknown}} | undefined)?.json;
	if (json && typeof json.message === 'string') return json.message;
	return error instanceof Error ? error.message : String(error);
}

/** Lists the project's (or every) container. */
export async function listContainers(docker: DockerClient, options: ListOptions): Promise<ContainerSummary[]> {
	const filters: Record<string, string[]> = options.isAll ? {} : {label: [`${PROJECT_LABEL}=${options.project}`]};
	let rows: Docker.ContainerInfo[];
	try {
		rows = await docker.listContainers({all: options.includeStopped ?? true, filters});
	} catch (error) {
		throw toDockerError(error, 'docker ps');
	}

	return rows.map((row) => ({
		id: row.Id,
		name: (row.Names[0] ?? row.Id.slice(0, 12)).replace(/^\//, ''),
		state: toContainerState(row.State),
	}));
}

/** Inspects one container; undefined when it has vanished. */
export async function inspectContainer(docker: DockerClient, id: string): Promise<ContainerRecord | undefined> {
	try {
		return toContainerRecord(await docker.getContainer(id).inspect());
	} catch (error) {
		if (isNotFound(error)) return undefined;
		throw toDockerError(error, `docker inspect ${id.slice(0, 12)}`);
	}
}

/** Lists and inspects; containers that vanish between the two are left out. */
export async function getContainers(docker: DockerClient, options: ListOptions): Promise<ContainerRecord[]> {
	const summaries = await listContainers(docker, options);
	const records = await Promise.all(summaries.map(async (s) => inspectContainer(docker, s.id)));
	return records.filter((r): r is ContainerRecord => r !== undefined).sort(compareContainers);
}

/** Sort order: by compose service, then name. Pure. */
export function compareContainers(a: ContainerRecord, b: ContainerRecord): number {
	return (a.service ?? a.name).localeCompare(b.service ?? b.name) || a.name.localeCompare(b.name);
}

export type ContainerAction = 'start' | 'stop' | 'restart';

/** Starts, stops or restarts a container. "Already started/stopped" (304) is not an error. */
export async function runContainerAction(docker: DockerClient, id: string, action: ContainerAction): Promise<void> {
	const container = docker.getContainer(id);
	try {
		if (action === 'start') await container.start();
		else if (action === 'stop') await container.stop({t: 10});
		else await container.restart({t: 10});
	} catch (error) {
		if (statusCodeOf(error) === 304) return;
		throw toDockerError(error, `docker ${action} ${id.slice(0, 12)}`);
	}
}

export interface LogOptions {
	readonly signal: AbortSignal;
	/** Lines of history before following (default 200). */
	readonly tail?: number;
}

/**
 * Follows a container's logs, one line at a time (stdout and stderr merged, TTY or not). Ends
 * when the signal aborts or the container's log stream closes.
 */
export async function* streamContainerLogs(docker: DockerClient, id: string, options: LogOptions): AsyncGenerator<string> {
	if (options.signal.aborted) return;
	const container = docker.getContainer(id);
	let isTty = false;
	let raw: NodeJS.ReadableStream;
	try {
		isTty = (await container.inspect()).Config?.Tty ?? false;
		raw = await container.logs({follow: true, stdout: true, stderr: true, tail: options.tail ?? 200, abortSignal: options.signal});
	} catch (error) {
		if (options.signal.aborted) return;
		throw toDockerError(error, `docker logs ${id.slice(0, 12)}`);
	}

	const text = new PassThrough();
	if (isTty) raw.pipe(text);
	else docker.modem.demuxStream(raw, text, text);
	const end = (): void => {
		text.end();
	};

	raw.on('end', end);
	raw.on('close', end);
	raw.on('error', end);
	const onAbort = (): void => {
		(raw as {destroy?: () => void}).destroy?.();
		end();
	};

	options.signal.addEventListener('abort', onAbort, {once: true});
	let pending = '';
	try {
		for await (const chunk of text) {
			pending += String(chunk);
			const lines = pending.split('\n');
			pending = lines.pop() ?? '';
			for (const line of lines) yield line.replace(/\r$/, '');
		}

		if (pending !== '') yield pending;
	} finally {
		options.signal.removeEventListener('abort', onAbort);
		(raw as {destroy?: () => void}).destroy?.();
	}
}
