/**
 * Threshold crossing with hysteresis, so a value hovering at the line does not raise
 * and resolve an alert on every sample: raise above `threshold`, resolve only once
 * the value is `hysteresis` points below it. Whether the alert is open comes from the
 * recorded alert events, not from memory.
 */
export interface Threshold {
  threshold: number;
  hysteresis: number;
}

export type ThresholdAction = 'raise' | 'resolve' | null;

export function crossThreshold(open: boolean, value: number, t: Threshold): ThresholdAction {
  if (!open && value > t.threshold) return 'raise';
  if (open && value < t.threshold - t.hysteresis) return 'resolve';
  return null;
}
