/**
 * Ctrl-C for the long-running local commands: the first press stops gracefully, a second press
 * exits at once. One press can arrive as several SIGINTs: the terminal signals the whole
 * foreground process group, npm forwards the signal to its script, and the tsx CLI sends it again
 * when the child has not reported it within 30 ms (and SIGKILLs it 30 ms later still; `node --import
 * tsx` has no such parent). So signals within `sameGraceMs` of the first count as that press.
 */

/** Longer than the relays (npm at once, tsx after 30 ms on a busy machine), shorter than two deliberate presses. */
export const SAME_PRESS_MS = 500;

export interface InterruptHandlers {
  /** The first press: begin stopping gracefully. */
  readonly onFirst: () => void;
  /** A later press: exit at once (synchronous clean-up only). */
  readonly onSecond: () => void;
  readonly samePressMs?: number;
  readonly now?: () => number;
}

/**
 * A signal listener that tells a first press from a second one.
 * @example process.on('SIGINT', interruptListener({ onFirst: () => controller.abort(), onSecond: () => process.exit(130) }))
 */
export const interruptListener = ({ onFirst, onSecond, samePressMs = SAME_PRESS_MS, now = Date.now }: InterruptHandlers): (() => void) => {
  let firstAt: number | undefined;
  let exiting = false;
  return () => {
    const at = now();
    if (firstAt === undefined) {
      firstAt = at;
      onFirst();
    } else if (at - firstAt >= samePressMs && !exiting) {
      exiting = true;
      onSecond();
    }
  };
};
