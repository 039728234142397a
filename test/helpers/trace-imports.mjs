// Loaded with `node --import`: appends every module URL the process resolves to the file named
// by RQC_TRACE_IMPORTS, so a test can prove what a command does not load (Ink, React).
import {register} from 'node:module';

const file = process.env.RQC_TRACE_IMPORTS;
if (file) {
	const hooks = `
		import {appendFileSync} from 'node:fs';
		export async function resolve(specifier, context, next) {
			const result = await next(specifier, context);
			appendFileSync(${JSON.stringify(file)}, result.url + '\\n');
			return result;
		}`;
	register(`data:text/javascript,${encodeURIComponent(hooks)}`);
}
