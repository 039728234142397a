/**
 * The real TUI once, in tmux: start it, switch panes, open help, quit; assertions read the
 * screen with capture-pane. A private tmux server (-L) keeps this away from anyone else's.
 */
import {execFileSync} from 'node:child_process';
import {afterAll, describe, expect, it, vi} from 'vitest';
import {cliPath} from '../helpers/cli.js';
import {createTempDir} from '../helpers/postgres.js';
import {uniqueSuffix} from '../helpers/services.js';

const socket = `rqc-e2e-${uniqueSuffix()}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], {encoding: 'utf8'});
const screen = () => tmux('capture-pane', '-p', '-t', 'rqc');
const temp = createTempDir('rqc-tui-');

afterAll(() => {
	try {
		tmux('kill-server');
	} catch {
		// Already gone: rqc quit and the session ended with it.
	}

	temp.cleanup();
});

async function waitForScreen(predicate: (text: string) => boolean, timeout = 30_000): Promise<string> {
	let last = '';
	await vi.waitFor(() => {
		last = screen();
		if (!predicate(last)) throw new Error(`screen did not match:\n${last}`);
	}, {timeout, interval: 100});
	return last;
}

describe('the TUI in a real terminal', () => {
	it('starts, switches panes, opens help, and quits on q', async () => {
		// `; echo` keeps the pane alive after rqc exits, so its exit status can be read.
		// A private lock directory: another run holding this host's lock would make the console quiet.
		const command = `env RQC_DATA_DIR=${temp.dir} RQC_LOCK_DIR=${temp.dir} NO_COLOR=1 node ${cliPath}; echo "rqc exited with $?"; sleep 60`;
		tmux('new-session', '-d', '-s', 'rqc', '-x', '80', '-y', '24', command);

		const first = await waitForScreen((s) => s.includes('[1 Services]'));
		expect(first).toMatch(/docker/);
		// The embedded store opens in the background; the status bar says when it is there.
		await waitForScreen((s) => /● embedded/.test(s));

		tmux('send-keys', '-t', 'rqc', '2');
		await waitForScreen((s) => s.includes('[2 Benchmarks]'));
		// issue 13: the release prompt of a launch replaces its offered default on the first key typed.
		tmux('send-keys', '-t', 'rqc', 'b');
		await waitForScreen((s) => s.includes('Run a suite in docker (↑/↓ choose, Enter next, Esc cancel)'));
		tmux('send-keys', '-t', 'rqc', 'Enter');
		await waitForScreen((s) => s.includes('Release: dev█'));
		tmux('send-keys', '-t', 'rqc', 'v');
		await waitForScreen((s) => s.includes('Release: v█'));
		tmux('send-keys', '-t', 'rqc', '--', '-tui-1');
		await waitForScreen((s) => s.includes('Release: v-tui-1█'));
		tmux('send-keys', '-t', 'rqc', 'Escape');
		await waitForScreen((s) => s.includes('Enter next, Esc cancel'));
		tmux('send-keys', '-t', 'rqc', 'Escape');
		await waitForScreen((s) => s.includes('Recent runs'));
		tmux('send-keys', '-t', 'rqc', '3');
		await waitForScreen((s) => s.includes('[3 Compare]'));
		tmux('send-keys', '-t', 'rqc', 'Tab');
		await waitForScreen((s) => s.includes('[4 History]') && s.includes('no history yet'));
		tmux('send-keys', '-t', 'rqc', 'Tab');
		await waitForScreen((s) => s.includes('[1 Services]'));

		tmux('send-keys', '-t', 'rqc', '?');
		const help = await waitForScreen((s) => s.includes('Keys (? or Esc closes)'));
		expect(help).toContain('Benchmarks pane');
		tmux('send-keys', '-t', 'rqc', 'Escape');
		await waitForScreen((s) => !s.includes('Keys (? or Esc closes)'));

		tmux('send-keys', '-t', 'rqc', 'q');
		const after = await waitForScreen((s) => s.includes('rqc exited with'));
		expect(after).toContain('rqc exited with 0');
		// The cursor is shown again and the shell prompt is usable: Ink restored the terminal.
		expect(tmux('display-message', '-p', '-t', 'rqc', '#{cursor_flag}').trim()).toBe('1');
	});
});
