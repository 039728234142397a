/**
 * Credentials never reach a screen, a log or JSON output. Every string that may hold a URL or
 * a password goes through redactSecrets before it is shown.
 */

const MASK = '***';

/** postgres://user:secret@host/db → postgres://user:***@host/db; leaves other text alone. */
export function redactUrl(url: string): string {
	try {
		const parsed = new URL(url);
		if (parsed.password) parsed.password = MASK;
		for (const key of [...parsed.searchParams.keys()]) {
			if (/pass|secret|token|key/i.test(key)) parsed.searchParams.set(key, MASK);
		}

		return parsed.toString();
	} catch {
		return redactSecrets(url);
	}
}

const urlCredentials = /([a-z][a-z\d+.-]*:\/\/[^\s:/@]*:)([^\s@/]+)(@)/gi;
// A bare value stops at a quote, comma or semicolon, so masking a message never eats the quote
// that closes a name around it.
const keyValue = /\b((?:[A-Z_]*PASSWORD|PGPASSWORD|[A-Z_]*SECRET|[A-Z_]*TOKEN|password)\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s"',;]+)/gi;

/** Masks passwords in URLs and in NAME=value / password: value pairs anywhere in text. */
export function redactSecrets(text: string, extraSecrets: readonly string[] = knownSecrets): string {
	let out = text.replace(urlCredentials, `$1${MASK}$3`).replace(keyValue, `$1${MASK}`);
	for (const secret of extraSecrets) {
		if (secret.length >= 4) out = out.split(secret).join(MASK);
	}

	return out;
}

const knownSecrets: string[] = [];

/**
 * Registers a secret (e.g. a database password read from a URL) so it is masked even where
 * it appears bare, such as in a server's error message.
 */
export function registerSecret(secret: string | undefined): void {
	if (secret && secret.length >= 4 && !knownSecrets.includes(secret)) knownSecrets.push(secret);
}

/** Registers the password of a URL, if it has one. */
export function registerUrlSecret(url: string | undefined): void {
	if (!url) return;
	try {
		registerSecret(decodeURIComponent(new URL(url).password));
	} catch {
		// Not a URL: nothing to register.
	}
}
