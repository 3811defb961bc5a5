import { useEffect, useRef, useState } from 'react';

import type { Reply } from '../types.js';

export interface Live<T> {
  value: T | null;
  /** True when `value` answers the current request key. */
  current: boolean;
  /** Why there is no database to read yet. */
  waiting: string | null;
  error: string | null;
  /** Duration of the last query, for throttling and the status line. */
  ms: number | null;
}

export interface LiveOptions {
  /** Least time between refreshes of the same request. */
  minGapMs?: number;
  /** Also ask again this often, whatever `version` says (polling). */
  everyMs?: number;
}

/** After a failure, try again this much later even if nothing changed. */
const RETRY_MS = 1000;

/**
 * A query kept fresh: it runs when `key` (what is asked) changes, at
 * once, and when `version` (the data) changes, no more often than
 * `minGapMs` or three times its own last duration, whichever is longer:
 * a query that costs a second on a huge sweep then uses a quarter of the
 * data thread at most. One call at a time; requests that pile up while
 * one runs collapse into the latest. `fetch` null switches it off.
 */
export function useLive<T>(
  fetch: (() => Promise<Reply<T>>) | null,
  key: string,
  version: string | number,
  options: LiveOptions = {},
): Live<T> {
  const [live, setLive] = useState<Live<T>>({
    value: null,
    current: false,
    waiting: null,
    error: null,
    ms: null,
  });
  const latest = useRef({ fetch, key, version });
  latest.current = { fetch, key, version };
  const state = useRef({
    inFlight: false,
    mounted: true,
    last: null as null | {
      key: string;
      version: string;
      at: number;
      ms: number;
      failed: boolean;
    },
    timer: null as NodeJS.Timeout | null,
    /** The last value as JSON: an unchanged answer redraws nothing. */
    shown: '',
    /** Polls so far; part of the version when polling. */
    polls: 0,
  });
  const minGapMs = options.minGapMs ?? 0;

  const pump = useRef(() => {});
  pump.current = () => {
    const s = state.current;
    const { fetch: run, key: asked } = latest.current;
    const seen = `${latest.current.version}|${s.polls}`;
    if (!s.mounted || run === null || s.inFlight) return;

    const last = s.last;
    if (last !== null && last.key === asked) {
      if (last.version === seen && !last.failed) return;
      const gap = last.failed ? RETRY_MS : Math.max(minGapMs, 3 * last.ms);
      const wait = last.at + gap - Date.now();
      if (wait > 0) {
        if (s.timer === null) {
          s.timer = setTimeout(() => {
            s.timer = null;
            pump.current();
          }, wait);
        }
        return;
      }
    }

    s.inFlight = true;
    void run().then((reply) => {
      s.inFlight = false;
      if (!s.mounted) return;

      s.last = {
        key: asked,
        version: seen,
        at: Date.now(),
        ms: reply.ok ? reply.ms : 0,
        failed: !reply.ok,
      };
      const current = asked === latest.current.key;
      if (reply.ok) {
        const json = JSON.stringify(reply.value);
        if (json === s.shown && current) {
          setLive((previous) => previous.current && previous.error === null
            ? previous
            : { ...previous, current, error: null, waiting: null });
          pump.current();
          return;
        }
        s.shown = json;
      }
      setLive((previous) => reply.ok
        ? { value: reply.value, current, waiting: null, error: null,
          ms: reply.ms }
        : {
          ...previous,
          current: previous.current && current,
          waiting: reply.waiting ? reply.message : null,
          error: reply.waiting ? null : reply.message,
        });
      pump.current();
    });
  };

  useEffect(() => {
    setLive((previous) =>
      previous.current ? { ...previous, current: false } : previous);
    pump.current();
  }, [key]);

  useEffect(() => {
    pump.current();
  }, [version, fetch === null]);

  const everyMs = options.everyMs;
  useEffect(() => {
    if (everyMs === undefined) return;
    // A timer, not React state: a poll that finds nothing new must not
    // redraw the screen.
    const timer = setInterval(() => {
      state.current.polls += 1;
      pump.current();
    }, everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);

  useEffect(() => {
    const s = state.current;
    s.mounted = true;
    return () => {
      s.mounted = false;
      if (s.timer !== null) clearTimeout(s.timer);
    };
  }, []);

  return live;
}
