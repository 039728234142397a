/**
 * The three kinds of error rqc knows. A UserError is bad input or usage (exit 2); a
 * ServiceError is a needed service that cannot be reached (exit 3); an ExternalError is a
 * failed external command or API call (exit 1). Anything else is a bug (exit 1, stack with
 * --verbose). Every message is one line: what went wrong, then what to do next.
 */
import {redactSecrets} from './redact.js';

/** Control characters other than a line break, shown escaped: a message never drives the terminal. */
function escapeControls(text: string): string {
	return text.replace(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export const EXIT = {ok: 0, failure: 1, usage: 2, unreachable: 3} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

abstract class RqcError extends Error {
	abstract readonly exitCode: ExitCode;
	/** What the user should do next; printed after the message. */
	readonly hint: string | undefined;

	constructor(message: string, hint?: string, options?: ErrorOptions) {
		super(escapeControls(redactSecrets(message)), options);
		this.hint = hint === undefined ? undefined : escapeControls(redactSecrets(hint));
	}
}

/** Bad usage or bad input: a malformed file, an unknown release, a wrong flag value. */
export class UserError extends RqcError {
	override readonly name = 'UserError';
	readonly exitCode = EXIT.usage;
}

/** A service rqc needs for this command (database, Docker engine, Redis) is unreachable. */
export class ServiceError extends RqcError {
	override readonly name = 'ServiceError';
	readonly exitCode = EXIT.unreachable;
	/** Which service: 'docker', 'database', 'redis', 'compose'. */
	readonly service: string;

	constructor(service: string, message: string, hint?: string, options?: ErrorOptions) {
		super(message, hint, options);
		this.service = service;
	}
}

/** A command or API call that ran and failed; carries what was run and what it said. */
export class ExternalError extends RqcError {
	override readonly name = 'ExternalError';
	readonly exitCode = EXIT.failure;
	readonly command: string;
	readonly stderr: string;

	constructor(command: string, message: string, stderr = '', hint?: string, options?: ErrorOptions) {
		super(message, hint, options);
		this.command = redactSecrets(command);
		this.stderr = redactSecrets(stderr);
	}
}

/** A check failed on purpose (e.g. a regression with --fail-on-regression): exit 1, no stack. */
export class FailureError extends RqcError {
	override readonly name = 'FailureError';
	readonly exitCode = EXIT.failure;
}

export function isRqcError(error: unknown): error is UserError | ServiceError | ExternalError | FailureError {
	return error instanceof RqcError;
}

/** The exit code an error maps to. */
export function exitCodeOf(error: unknown): ExitCode {
	return isRqcError(error) ? error.exitCode : EXIT.failure;
}

/** One line (two with a hint) for a person; a bug's stack only when verbose. */
export function formatError(error: unknown, isVerbose = false): string {
	if (isRqcError(error)) {
		const lines = [`rqc: ${error.message}`];
		if (error instanceof ExternalError && error.stderr.trim() !== '' && isVerbose) {
			lines.push(error.stderr.trim());
		}

		if (error.hint) lines.push(`  → ${error.hint}`);
		return lines.join('\n');
	}

	const message = error instanceof Error ? error.message : String(error);
	if (isVerbose && error instanceof Error && error.stack) return redactSecrets(`rqc: internal error: ${error.stack}`);
	return redactSecrets(`rqc: internal error: ${message} (run again with --verbose for the stack, and please report it)`);
}

/** The JSON form of an error, for --json output on stdout. */
export function errorToJson(error: unknown): {error: {kind: string; message: string; hint?: string; service?: string; exitCode: number}} {
	const kind = isRqcError(error) ? error.name : 'InternalError';
	const message = redactSecrets(error instanceof Error ? error.message : String(error));
	return {
		error: {
			kind,
			message,
			...(isRqcError(error) && error.hint ? {hint: error.hint} : {}),
			...(error instanceof ServiceError ? {service: error.service} : {}),
			exitCode: exitCodeOf(error),
		},
	};
}
