/**
 * Trial length and first response step of each built-in task from its (resolved) params, so that
 * `context.mux` can check its timing against the tasks connected to it before anything runs.
 */
import { gateTiming } from './gate.ts';
import { timeReproductionTiming } from './time-reproduction.ts';
import { oscillationTiming } from './oscillation.ts';
import { flipFlopTiming } from './flip-flop.ts';

/** Timing of a task block from its params; undefined for a type this library does not know. */
export function taskTiming(
  type: string,
  params: Record<string, unknown>,
): { T: number; responseStart: number } | undefined {
  const n = (k: string): number => {
    const v = params[k];
    return typeof v === 'number' ? v : NaN;
  };
  const p = {
    T: n('T'),
    stimStart: n('stimStart'),
    stimWidth: n('stimWidth'),
    memGap: n('memGap'),
    responseDelay: n('responseDelay'),
    endGap: n('endGap'),
    turns: n('turns'),
    firstTurn: n('firstTurn'),
    quietGap: n('quietGap'),
  };
  let r: { T: number; responseStart: number };
  switch (type) {
    case 'task.and':
    case 'task.or':
    case 'task.xor':
    case 'task.not':
      r = gateTiming(p);
      break;
    case 'task.time-reproduction':
      r = timeReproductionTiming(p);
      break;
    case 'task.oscillation':
      r = oscillationTiming(p);
      break;
    case 'task.flip-flop':
      r = flipFlopTiming(p);
      break;
    default:
      return undefined;
  }
  return Number.isFinite(r.T) && Number.isFinite(r.responseStart)
    ? { T: r.T, responseStart: r.responseStart }
    : undefined;
}

/** Task name of a task block type (`task.and` -> `and`); undefined for other types. */
export function taskNameOf(type: string): string | undefined {
  return type.startsWith('task.') ? type.slice(5) : undefined;
}
