import { useEffect, useState } from 'react';

/** A counter that goes up every `everyMs` (never when null). */
export function useTick(everyMs: number | null): number {
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (everyMs === null) return;
    const timer = setInterval(() => setTick((n) => n + 1), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);

  return tick;
}
