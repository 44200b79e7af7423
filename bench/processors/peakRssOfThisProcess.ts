/**
 * This process's peak RSS in bytes. Not `process.resourceUsage().maxRSS`: Linux carries a
 * parent's high-water mark into a forked child (ru_maxrss survives exec), so a child of a big
 * benchmark process reports the parent's peak. `VmHWM` belongs to this process's own memory.
 */
import { readFileSync } from 'node:fs';

export const peakRssOfThisProcess = (): number => {
  const kib = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  // Elsewhere than Linux: the portable figure, with the caveat above.
  return kib === undefined ? process.resourceUsage().maxRSS * 1024 : Number(kib) * 1024;
};
