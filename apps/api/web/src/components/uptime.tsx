import { since } from '../format';
import { useNow } from '../state/clock';

/** How long since `from` (an ISO time), counting live: the only part of a row that changes every second. */
export function Uptime(props: { from: string }) {
  return <>{since(props.from, useNow())}</>;
}
