import {useCallback, useLayoutEffect, useRef} from 'react';
import {useInput, type Key} from 'ink';
import {keymap, resolveKey, type KeyBinding, type KeyHandlers, type KeyScope} from './keymap.js';

export interface UseKeymapOptions {
	/** Keys reach the handlers only while true (a hidden pane, a control another one shadows). */
	readonly isActive?: boolean;
	/** The table to resolve keys in; the real keymap unless a test passes its own. */
	readonly bindings?: readonly KeyBinding[];
}

/** The handlers of each scope the hook may be in, by scope and then by action. */
export type ScopedKeyHandlers<S extends KeyScope> = {readonly [K in S]: KeyHandlers<K>};

/** A scope, scopes tried in order (a modal one first), or none (no key does anything). */
export type ScopeChoice<S extends KeyScope> = S | readonly S[] | undefined;

type Handler = (input: string) => void;
type HandlerTable = Readonly<Partial<Record<string, Readonly<Partial<Record<string, Handler>>>>>>;

/**
 * Binds the keymap's keys to a component's handlers: one hook per focus scope (a pane or a
 * control), gated with `isActive`; ink-ui's use-select is the model (the hook only resolves a
 * key through the table and calls the handler of its action).
 *
 * A component with modes (a prompt, a confirmation) passes its scope as a function of its
 * latest state (see use-latest-reducer.ts): it is called when the key arrives, so a key that
 * follows a mode change in the same read reaches the new mode. Handlers are those of the last
 * render.
 */
export function useKeymap<S extends KeyScope>(scope: ScopeChoice<S> | (() => ScopeChoice<S>), handlers: ScopedKeyHandlers<S>, {isActive = true, bindings = keymap}: UseKeymapOptions = {}): void {
	const table: HandlerTable = handlers;
	const latest = useRef({scope, table, isActive, bindings});
	useLayoutEffect(() => {
		latest.current = {scope, table, isActive, bindings};
	});

	const onInput = useCallback((input: string, key: Key) => {
		const current = latest.current;
		if (!current.isActive) return;
		const chosen = typeof current.scope === 'function' ? current.scope() : current.scope;
		if (chosen === undefined) return;
		const scopes: readonly KeyScope[] = typeof chosen === 'string' ? [chosen] : chosen;
		const binding = resolveKey(current.bindings, scopes, input, key);
		if (binding) current.table[binding.scope]?.[binding.action]?.(input);
	}, []);
	// Ink attaches and detaches the listener in a passive effect; the check above covers the gap.
	useInput(onInput, {isActive});
}
