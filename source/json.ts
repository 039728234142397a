/**
 * JSON for --json output: stable shapes (absent values are null, not missing). Credentials are
 * masked structurally where they are known (URLs in config and health records, error messages)
 * before a value gets here; the serialised text is never rewritten, so user data (a release called
 * 'build password=abc') round-trips and the output always parses (issue 11, point 4).
 */
export function toJson(value: unknown): string {
	return JSON.stringify(value, (_key, v: unknown) => (v === undefined ? null : v), 2);
}
