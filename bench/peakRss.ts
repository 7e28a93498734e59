import { readFileSync } from 'node:fs';

/**
 * This process's own peak RSS. On Linux, getrusage's maxrss survives fork+exec, so a child
 * of a large parent would report the parent's size; VmHWM belongs to this address space.
 */
export function peakRssMb(): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb) return Number(kb) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}
