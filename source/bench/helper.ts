/**
 * The measuring helper (native/rqc-measure.c): compiled with the system C compiler at first use
 * into the data directory, statically linked so the same binary can be bind-mounted into any
 * container image. Its file name carries a hash of the source, so an updated source rebuilds.
 */
import path from 'node:path';
import {getPackageRoot} from '../config.js';
import {UserError} from '../errors.js';
import {ensureNativeProgram, isExecutable, type NativeProgram} from './native-build.js';

export type HelperBinary = NativeProgram;

/** Where the helper's C source is. */
export function getHelperSourcePath(packageRoot = getPackageRoot()): string {
	return path.join(packageRoot, 'source', 'bench', 'native', 'rqc-measure.c');
}

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

	return ensureNativeProgram({
		name: 'rqc-measure',
		sourcePath: getHelperSourcePath(),
		dataDir,
		env,
		allowDynamic: true,
		otherwise: 'set RQC_MEASURE_HELPER to a built rqc-measure',
	});
}
