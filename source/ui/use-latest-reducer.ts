import {useCallback, useRef, useState} from 'react';

/**
 * useReducer whose next state is computed when an action is dispatched, not at the next render,
 * and readable at once through `getLatest`. Key handling needs it: React renders after input is
 * handled, so when two keys arrive in one read (`x` then `y`, `b` then Enter), the second must
 * be resolved against the mode the first one opened, which no rendered state shows yet.
 */
export function useLatestReducer<S, A>(reduce: (state: S, action: A) => S, initial: S): [state: S, dispatch: (action: A) => void, getLatest: () => S] {
	const [state, setState] = useState(initial);
	const latest = useRef(state);
	const dispatch = useCallback((action: A) => {
		const next = reduce(latest.current, action);
		if (next === latest.current) return;
		latest.current = next;
		setState(next);
	}, [reduce]);
	const getLatest = useCallback(() => latest.current, []);
	return [state, dispatch, getLatest];
}
