/**
 * rqc's own C programs (the measuring helper, the calibration workloads), compiled with the
 * system C compiler at first use into the data directory. Statically linked, so one binary can be
 * bind-mounted into any container image; the file name carries a hash of the source, so an
 * updated source rebuilds. One build at a time per target within a process.
 */
import {createHash} from 'node:crypto';
import {access, chmod, mkdir, readFile, rename, rm} from 'node:fs/promises';
import {constants} from 'node:fs';
import path from 'node:path';
import {execa} from 'execa';
import {UserError} from '../errors.js';

export interface NativeProgram {
	readonly path: string;
	/** Statically linked: can run inside any Linux container image. */
	readonly isStatic: boolean;
}

export interface NativeBuildOptions {
	/** What the program is called in messages and file names ("rqc-measure"). */
	readonly name: string;
	readonly sourcePath: string;
	readonly dataDir: string;
	readonly env?: Readonly<Record<string, string | undefined>>;
	/** Without a static libc, fall back to a dynamic binary (usable on the host only). */
	readonly allowDynamic?: boolean;
	/** The hint of every error (how else to get the program). */
	readonly otherwise: string;
}

/** Whether a file exists and may be executed. */
export async function isExecutable(file: string): Promise<boolean> {
	try {
		await access(file, constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

const building = new Map<string, Promise<NativeProgram>>();

async function compile(compiler: string, flags: readonly string[], temporary: string, target: string): Promise<void> {
	try {
		await execa(compiler, flags, {stdio: ['ignore', 'pipe', 'pipe']});
		await chmod(temporary, 0o755);
		await rename(temporary, target);
	} catch (error) {
		await rm(temporary, {force: true});
		throw error;
	}
}

/** The program, built when missing. Throws a UserError naming the fix when it cannot be built. */
export async function ensureNativeProgram(options: NativeBuildOptions): Promise<NativeProgram> {
	const {name, sourcePath, otherwise} = options;
	let source: Buffer;
	try {
		source = await readFile(sourcePath);
	} catch {
		throw new UserError(`the source of ${name} is missing (${sourcePath})`, `reinstall rqc, or ${otherwise}`);
	}

	const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
	const directory = path.join(options.dataDir, 'bin');
	const target = path.join(directory, `${name}-${hash}`);
	const pending = building.get(target);
	if (pending) return pending;
	const build = (async (): Promise<NativeProgram> => {
		if (await isExecutable(target)) return {path: target, isStatic: true};
		if (options.allowDynamic && await isExecutable(`${target}-dynamic`)) return {path: `${target}-dynamic`, isStatic: false};
		await mkdir(directory, {recursive: true, mode: 0o700});
		const compiler = options.env?.CC ?? 'cc';
		const temporary = `${target}.${process.pid}.tmp`;
		const flags = ['-O2', '-Wall', '-o', temporary, sourcePath];
		const firstLines = (error: unknown): string => String((error as {stderr?: unknown}).stderr ?? error).split('\n').slice(0, 3).join(' ');
		try {
			await compile(compiler, ['-static', ...flags], temporary, target);
			return {path: target, isStatic: true};
		} catch (staticError) {
			if ((staticError as NodeJS.ErrnoException).code === 'ENOENT') {
				throw new UserError(`no C compiler (${compiler}) to build ${name}`, `install one (Debian: apt-get install gcc libc6-dev), or ${otherwise}`);
			}

			if (!options.allowDynamic) throw new UserError(`cannot build ${name} statically with ${compiler}: ${firstLines(staticError)}`, `install gcc and the static C library (Debian: apt-get install gcc libc6-dev), or ${otherwise}`);
			// No static libc: a dynamic binary still works on the host (docker mode needs static).
			try {
				await compile(compiler, flags, temporary, `${target}-dynamic`);
				return {path: `${target}-dynamic`, isStatic: false};
			} catch (error) {
				throw new UserError(`cannot build ${name} with ${compiler}: ${firstLines(error)}`, `install gcc and libc6-dev, or ${otherwise}`);
			}
		}
	})();
	building.set(target, build);
	try {
		return await build;
	} finally {
		building.delete(target);
	}
}
