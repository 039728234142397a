/** JSON for --json output: stable shapes (absent values are null, not missing) and no secrets. */
import {redactSecrets} from './redact.js';

export function toJson(value: unknown): string {
	const text = JSON.stringify(value, (_key, v: unknown) => (v === undefined ? null : v), 2);
	return redactSecrets(text);
}
