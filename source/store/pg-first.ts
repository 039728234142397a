/**
 * Imported by pg-driver just before pg. At load time pg asks whether it runs on Cloudflare
 * Workers: with no global navigator (Node 20 has none) it touches the global Response, which
 * makes Node load its whole fetch implementation (undici), about 25 ms of every command's start
 * (issue 13, point 2). A navigator is lent while pg loads, as Node ≥ 21 has one, so pg takes the
 * plain Node path at once; pg-driver gives it back right after.
 */
import process from 'node:process';

const scope = globalThis as {navigator?: unknown};
const isLent = scope.navigator === undefined;
if (isLent) scope.navigator = {userAgent: `Node.js/${process.versions.node}`};

/** Takes the lent navigator away again (nothing when Node has its own). */
export function returnNavigator(): void {
	if (isLent) delete scope.navigator;
}
