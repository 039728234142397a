/**
 * The measuring helper (native/rqc-measure.c): compiled with the system C compiler at first use
 * into the data directory, statically linked so the same binary can be bind-mounted into any
 * container image. Its file name carries a hash of the source, so an updated source rebuilds.
 */
import {createHash} from 'node:crypto';
import {access, chmod, mkdir, readFile, rename, rm} from 'node:fs/promises';
import {constants} from 'node:fs';
import path from 'node:path';
import {execa} from 'execa';
import {getPackageRoot} from '../config.js';
import {UserError} from '../errors.js';

export interface HelperBinary {
	readonly path: string;
	/** Statically linked: can run inside any Linux container image. */
	readonly isStatic: boolean;
}

/** Where the helper's C source is. */
export function getHelperSourcePath(packageRoot = getPackageRoot()): string {
	return path.join(packageRoot, 'source', 'bench', 'native', 'rqc-measure.c');
}

async function isExecutable(file: string): Promise<boolean> {
	try {
		await access(file, constants.X_OK);
		return true;
	} catch {
		return false;
	}
}

const building = new Map<string, Promise<HelperBinary>>();

/**
 * Returns the helper, building it when missing. RQC_MEASURE_HELPER overrides (a prebuilt
 * static binary). Throws a UserError naming the fix when there is no compiler.
 */
export async function ensureHelper(dataDir: string, env: Readonly<Record<string, string | undefined>> = process.env): Promise<HelperBinary> {
	const override = env.RQC_MEASURE_HELPER;
	if (override) {
		if (!(await isExecutable(override))) throw new UserError(`RQC_MEASURE_HELPER=${override} is not an executable file`, 'unset it to let rqc build its helper, or point it at a built rqc-measure');
		return {path: override, isStatic: true};
	}

	const sourcePath = getHelperSourcePath();
	let source: Buffer;
	try {
		source = await readFile(sourcePath);
	} catch {
		throw new UserError(`the measuring helper's source is missing (${sourcePath})`, 'reinstall rqc, or set RQC_MEASURE_HELPER to a built rqc-measure');
	}

	const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
	const directory = path.join(dataDir, 'bin');
	const target = path.join(directory, `rqc-measure-${hash}`);
	const pending = building.get(target);
	if (pending) return pending;
	const build = (async (): Promise<HelperBinary> => {
		if (await isExecutable(target)) return {path: target, isStatic: true};
		if (await isExecutable(`${target}-dynamic`)) return {path: `${target}-dynamic`, isStatic: false};
		await mkdir(directory, {recursive: true});
		const compiler = env.CC ?? 'cc';
		const temporary = `${target}.${process.pid}.tmp`;
		const flags = ['-O2', '-Wall', '-o', temporary, sourcePath];
		try {
			await execa(compiler, ['-static', ...flags], {stdio: ['ignore', 'pipe', 'pipe']});
			await chmod(temporary, 0o755);
			await rename(temporary, target);
			return {path: target, isStatic: true};
		} catch (staticError) {
			await rm(temporary, {force: true});
			if ((staticError as NodeJS.ErrnoException).code === 'ENOENT') {
				throw new UserError(`no C compiler (${compiler}) to build rqc's measuring helper`, 'install one (Debian: apt-get install gcc libc6-dev), or set RQC_MEASURE_HELPER to a built rqc-measure');
			}

			// No static libc: a dynamic helper still works on the host (docker mode needs static).
			try {
				await execa(compiler, flags, {stdio: ['ignore', 'pipe', 'pipe']});
				await chmod(temporary, 0o755);
				await rename(temporary, `${target}-dynamic`);
				return {path: `${target}-dynamic`, isStatic: false};
			} catch (error) {
				await rm(temporary, {force: true});
				const stderr = String((error as {stderr?: unknown}).stderr ?? error).split('\n').slice(0, 3).join(' ');
				throw new UserError(`cannot build rqc's measuring helper with ${compiler}: ${stderr}`, 'install gcc and libc6-dev, or set RQC_MEASURE_HELPER to a built rqc-measure');
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
