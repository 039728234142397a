/**
 * The compose stack as the engine sees it: one plain record per service container, read with
 * dockerode by the compose project label (the same for compose v1 and v2), and the wait for
 * every started service to become healthy. Converters and the wait's verdict are pure.
 */
import type Docker from 'dockerode';

export type HealthStatus = 'healthy' | 'unhealthy' | 'starting' | 'none';

export interface PublishedPort {
	readonly containerPort: number;
	readonly protocol: string;
	readonly hostIp: string;
	readonly hostPort: number;
}

/** One service container of the stack. */
export interface ServiceState {
	readonly service: string;
	readonly containerId: string;
	readonly name: string;
	readonly image: string;
	/** created, running, restarting, exited, paused, dead, removing. */
	readonly state: string;
	/** The service's health check verdict; 'none' when it has no health check. */
	readonly health: HealthStatus;
	/** Output of the latest health check run, trimmed (undefined when none ran). */
	readonly lastHealthOutput: string | undefined;
	readonly exitCode: number | undefined;
	readonly restartCount: number;
	readonly startedAt: Date | undefined;
	readonly ports: readonly PublishedPort[];
}

/** The parts of `docker inspect` JSON that toServiceState reads. */
export interface InspectJson {
	readonly Id: string;
	readonly Name?: string;
	readonly RestartCount?: number;
	readonly Config?: {readonly Image?: string; readonly Labels?: Readonly<Record<string, string>> | null};
	readonly State?: {
		readonly Status?: string;
		readonly ExitCode?: number;
		readonly StartedAt?: string;
		readonly Health?: {readonly Status?: string; readonly Log?: ReadonlyArray<{readonly Output?: string; readonly ExitCode?: number}> | null} | null;
	};
	readonly NetworkSettings?: {readonly Ports?: Readonly<Record<string, ReadonlyArray<{readonly HostIp?: string; readonly HostPort?: string}> | null>> | null};
}

export const PROJECT_LABEL = 'com.docker.compose.project';
export const SERVICE_LABEL = 'com.docker.compose.service';

function toHealth(status: string | undefined): HealthStatus {
	return status === 'healthy' || status === 'unhealthy' || status === 'starting' ? status : 'none';
}

/** Converts inspect JSON to a ServiceState. Pure. */
export function toServiceState(inspect: InspectJson): ServiceState {
	const labels = inspect.Config?.Labels ?? {};
	const log = inspect.State?.Health?.Log ?? [];
	const last = log.at(-1);
	const started = inspect.State?.StartedAt;
	const startedAt = started && !started.startsWith('0001-') ? new Date(started) : undefined;
	const ports: PublishedPort[] = [];
	for (const [key, bindings] of Object.entries(inspect.NetworkSettings?.Ports ?? {})) {
		const [port, protocol = 'tcp'] = key.split('/');
		for (const binding of bindings ?? []) {
			ports.push({containerPort: Number(port), protocol, hostIp: binding.HostIp ?? '', hostPort: Number(binding.HostPort)});
		}
	}

	ports.sort((a, b) => a.containerPort - b.containerPort || a.hostIp.localeCompare(b.hostIp));
	const state = inspect.State?.Status ?? 'unknown';
	return {
		service: labels[SERVICE_LABEL] ?? (inspect.Name ?? inspect.Id).replace(/^\//, ''),
		containerId: inspect.Id,
		name: (inspect.Name ?? '').replace(/^\//, ''),
		image: inspect.Config?.Image ?? '',
		state,
		health: toHealth(inspect.State?.Health?.Status),
		lastHealthOutput: last?.Output === undefined ? undefined : last.Output.trim(),
		exitCode: state === 'exited' || state === 'dead' ? inspect.State?.ExitCode : undefined,
		restartCount: inspect.RestartCount ?? 0,
		startedAt,
		ports,
	};
}

/** The stack's service containers, by service name. */
export async function getStackServices(docker: Docker, project: string): Promise<ServiceState[]> {
	const containers = await docker.listContainers({all: true, filters: {label: [`${PROJECT_LABEL}=${project}`]}});
	const states = await Promise.all(containers.map(async (container) => {
		try {
			return toServiceState(await docker.getContainer(container.Id).inspect() as unknown as InspectJson);
		} catch {
			return undefined; // Removed between list and inspect.
		}
	}));
	return states.filter((state): state is ServiceState => state !== undefined && state.service !== '')
		.sort((a, b) => a.service.localeCompare(b.service) || a.name.localeCompare(b.name));
}

export type ServiceVerdict = 'ready' | 'waiting' | 'failed';

/** Whether one service has come up: ready, still waiting, or failed. Pure. */
export function judgeService(state: Pick<ServiceState, 'state' | 'health' | 'restartCount'>): ServiceVerdict {
	if (state.state === 'exited' || state.state === 'dead') return 'failed';
	if (state.health === 'unhealthy') return 'failed';
	// A container restarting again and again is crash-looping: say so rather than wait it out.
	if (state.state === 'restarting' && state.restartCount >= 3) return 'failed';
	if (state.state !== 'running') return 'waiting';
	return state.health === 'healthy' || state.health === 'none' ? 'ready' : 'waiting';
}

export interface WaitVerdict {
	readonly isDone: boolean;
	readonly ready: readonly string[];
	readonly waiting: readonly string[];
	readonly failed: readonly ServiceState[];
}

/** The stack's verdict: done when every service is ready or any has failed. Pure. */
export function judgeStack(states: readonly ServiceState[]): WaitVerdict {
	const ready: string[] = [];
	const waiting: string[] = [];
	const failed: ServiceState[] = [];
	for (const state of states) {
		const verdict = judgeService(state);
		if (verdict === 'ready') ready.push(state.service);
		else if (verdict === 'waiting') waiting.push(state.service);
		else failed.push(state);
	}

	return {isDone: failed.length > 0 || waiting.length === 0, ready, waiting, failed};
}

/** One line saying why a service failed, with its last health-check output. Pure. */
export function describeFailure(state: ServiceState): string {
	const output = state.lastHealthOutput ? `: ${state.lastHealthOutput.split('\n').filter(Boolean).slice(-3).join(' | ')}` : '';
	if (state.health === 'unhealthy') return `${state.service} is unhealthy${output}`;
	if (state.state === 'exited' || state.state === 'dead') return `${state.service} ${state.state} with code ${state.exitCode ?? '?'}${output}`;
	return `${state.service} keeps restarting (${state.restartCount} restarts)${output}`;
}

/** A short label for a service's progress: 'healthy', 'starting', 'exited (1)'. Pure. */
export function describeProgress(state: ServiceState): string {
	if (state.state === 'exited' || state.state === 'dead') return `${state.state} (${state.exitCode ?? '?'})`;
	if (state.state !== 'running') return state.state;
	if (state.health === 'none') return 'running';
	return state.health;
}

export interface WaitOptions {
	readonly timeoutMs: number;
	readonly intervalMs?: number;
	readonly signal?: AbortSignal;
	/** Called with every poll's states (the caller prints what changed). */
	readonly onProgress?: (states: readonly ServiceState[]) => void;
	/** Only these services; all of the project's containers when absent. */
	readonly services?: readonly string[];
	readonly now?: () => number;
}

export interface WaitResult {
	readonly outcome: 'ready' | 'failed' | 'timeout';
	readonly states: readonly ServiceState[];
	readonly verdict: WaitVerdict;
}

/** Polls the stack until every service is ready, one fails, or the timeout passes. */
export async function waitForStack(docker: Docker, project: string, options: WaitOptions): Promise<WaitResult> {
	const now = options.now ?? Date.now;
	const deadline = now() + options.timeoutMs;
	const interval = options.intervalMs ?? 1000;
	for (;;) {
		const all = await getStackServices(docker, project);
		const states = options.services ? all.filter((state) => options.services!.includes(state.service)) : all;
		options.onProgress?.(states);
		const verdict = judgeStack(states);
		if (verdict.failed.length > 0) return {outcome: 'failed', states, verdict};
		if (verdict.isDone && states.length > 0) return {outcome: 'ready', states, verdict};
		if (now() >= deadline) return {outcome: 'timeout', states, verdict};
		options.signal?.throwIfAborted();
		await new Promise((resolve) => {
			setTimeout(resolve, interval);
		});
	}
}
