/**
 * Bringing the stack up and down: what `rqc up` / `rqc down` and the Services pane's u / p / D
 * keys share. Output lines, notices and per-service progress go to callbacks; the caller
 * decides where they show (a terminal stream or a pane).
 */
import type Docker from 'dockerode';
import {getStackEnvFile, type Config} from '../config.js';
import {FailureError} from '../errors.js';
import {
	buildDownArgs,
	buildUpArgs,
	detectCompose,
	getComposeProfiles,
	getComposeTarget,
	readTargetDotenv,
	runCompose,
	verifyProfiles,
	withReadOnlyPlaceholders,
	type ComposeCli,
	type ComposeTarget,
	type OutputStream,
} from './compose.js';
import {createDockerClient, verifyEngine, type EngineInfo} from './engine.js';
import {computeEngineEnv, ensureStackEnv, readStackEnv, type EnsureResult} from './stack-env.js';
import {describeFailure, describeProgress, getStackServices, waitForStack, type ServiceState} from './stack.js';

export const DEFAULT_WAIT_SECONDS = 180;

export interface StackHandles {
	readonly docker: Docker;
	readonly engine: EngineInfo;
	readonly target: ComposeTarget;
}

/**
 * The environment compose runs with: the settings rqc up wrote (getStackEnvFile) under the
 * shell's own values and those of a .env beside the compose file, which compose reads itself.
 */
export function withStackSettings(target: ComposeTarget, env: Readonly<Record<string, string | undefined>>): ComposeTarget {
	const beside = readTargetDotenv(target);
	const stack = Object.entries(readStackEnv(getStackEnvFile(env))).filter(([name]) => !(name in beside) && env[name] === undefined);
	return stack.length === 0 ? target : {...target, env: {...Object.fromEntries(stack), ...target.env}};
}

/** The engine (ServiceError, exit 3, saying how to start one, when it does not answer) and the target. */
export async function openStack(config: Config, env: Readonly<Record<string, string | undefined>>): Promise<StackHandles> {
	const docker = createDockerClient(config);
	const engine = await verifyEngine(docker, config.dockerHost);
	const composeEnv = {...env, ...(config.dockerHost ? {DOCKER_HOST: config.dockerHost} : {})};
	return {docker, engine, target: withStackSettings(getComposeTarget(config, composeEnv), env)};
}

export interface StackCallbacks {
	/** Each line compose prints. */
	readonly onLine?: (line: string, stream: OutputStream) => void;
	/** Things rqc itself says (the .env it wrote, warnings). */
	readonly onNotice?: (message: string) => void;
	/** Every poll of --wait. */
	readonly onProgress?: (states: readonly ServiceState[]) => void;
	readonly signal?: AbortSignal;
}

export interface UpRequest extends StackCallbacks {
	readonly config: Config;
	readonly env: Readonly<Record<string, string | undefined>>;
	readonly profiles?: readonly string[];
	readonly services?: readonly string[];
	/** Wait for health at most this long; no wait when undefined. */
	readonly waitSeconds?: number;
}

export interface UpResult {
	readonly project: string;
	readonly cli: ComposeCli;
	readonly envFile: EnsureResult;
	readonly services: readonly ServiceState[];
}

async function hasVolume(docker: Docker, name: string): Promise<boolean> {
	try {
		await docker.getVolume(name).inspect();
		return true;
	} catch {
		return false;
	}
}

/**
 * Starts the stack: checks the engine and the profiles, makes sure the stack settings have secrets,
 * runs `up --detach`, and with waitSeconds waits for every service to become healthy. A failed
 * or late service is a FailureError naming it with its last health-check output.
 */
export async function bringStackUp(request: UpRequest): Promise<UpResult> {
	const profiles = request.profiles ?? [];
	const {docker, engine, target: baseTarget} = await openStack(request.config, request.env);
	const cli = await detectCompose();
	verifyProfiles(profiles, await getComposeProfiles(cli, baseTarget));

	const envFile = ensureStackEnv(getStackEnvFile(request.env), baseTarget.env, undefined, readTargetDotenv(baseTarget));
	if (envFile.isCreated) {
		request.onNotice?.(`Wrote ${envFile.file} (mode 0600) with a new random ${envFile.generated.join(' and ')}; rqc now uses the stack's database.`);
	} else if (envFile.added.length > 0) {
		request.onNotice?.(`Added ${envFile.added.join(', ')} to ${envFile.file}.`);
	}

	if (envFile.generated.includes('DB_PASSWORD') && await hasVolume(docker, `${baseTarget.project}_timescale_data`)) {
		request.onNotice?.(`Warning: the database volume ${baseTarget.project}_timescale_data already exists and keeps the password it was made with, not the new one: put the old DB_PASSWORD in ${envFile.file}, or start afresh with rqc down --volumes.`);
	}

	// Read again: the secrets just generated reach compose through its environment.
	const withSecrets = withStackSettings(baseTarget, request.env);
	const target = {...withSecrets, env: {...withSecrets.env, ...computeEngineEnv(engine.version, withSecrets.env, readTargetDotenv(baseTarget))}};
	await runCompose(cli, target, buildUpArgs({services: request.services}), {profiles, onLine: request.onLine, signal: request.signal});

	if (request.waitSeconds === undefined) {
		return {project: target.project, cli, envFile, services: await getStackServices(docker, target.project)};
	}

	const result = await waitForStack(docker, target.project, {timeoutMs: request.waitSeconds * 1000, signal: request.signal, onProgress: request.onProgress});
	if (result.outcome === 'failed') {
		const [first] = result.verdict.failed;
		throw new FailureError(result.verdict.failed.map(describeFailure).join('; '), `see its log with: rqc logs ${first?.service ?? 'SERVICE'}`);
	}

	if (result.outcome === 'timeout') {
		const pending = result.states.filter((state) => result.verdict.waiting.includes(state.service));
		throw new FailureError(
			`timed out after ${request.waitSeconds}s waiting for ${pending.map((state) => `${state.service} (${describeProgress(state)})`).join(', ') || 'the stack'}`,
			'raise --timeout, or look at `rqc ps` and `rqc logs SERVICE`',
		);
	}

	return {project: target.project, cli, envFile, services: result.states};
}

export interface DownRequest extends StackCallbacks {
	readonly config: Config;
	readonly env: Readonly<Record<string, string | undefined>>;
	readonly volumes?: boolean;
}

export interface DownResult {
	readonly project: string;
	readonly removed: readonly string[];
	readonly remaining: readonly string[];
}

/** Removes the stack's containers (with their anonymous volumes) and network; named volumes with volumes. */
export async function bringStackDown(request: DownRequest): Promise<DownResult> {
	const {docker, target: baseTarget} = await openStack(request.config, request.env);
	const cli = await detectCompose();
	const target = withReadOnlyPlaceholders(baseTarget);
	const before = await getStackServices(docker, target.project);
	// Every profile, so the runner and Grafana go too, whichever profiles started them.
	const profiles = await getComposeProfiles(cli, target);
	for (const args of buildDownArgs({volumes: request.volumes})) {
		await runCompose(cli, target, args, {profiles, onLine: request.onLine, signal: request.signal});
	}

	const after = await getStackServices(docker, target.project);
	return {project: target.project, removed: before.map((state) => state.name), remaining: after.map((state) => state.name)};
}
