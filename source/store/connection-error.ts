/**
 * The one place that decides whether a database error means "the connection is gone" (the
 * server is down, restarting or unreachable) rather than a SQL error. The PostgreSQL driver
 * turns such errors into ServiceErrors; the benchmark runner spools samples on them.
 */
import {ServiceError} from '../errors.js';

const CONNECTION_CODES = /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|57P01|57P02|57P03|08\d\d\d)$/;
const CONNECTION_MESSAGES = /Connection terminated|connection timeout|not queryable|connection.*(closed|ended)|Client has encountered a connection error|terminating connection/i;

/** Whether error is a lost or refused database connection (a ServiceError counts). Pure. */
export function isConnectionError(error: unknown): boolean {
	if (error instanceof ServiceError) return true;
	if (typeof error !== 'object' || error === null) return false;
	const {code, message} = error as {code?: unknown; message?: unknown};
	return (typeof code === 'string' && CONNECTION_CODES.test(code)) || (typeof message === 'string' && CONNECTION_MESSAGES.test(message));
}
