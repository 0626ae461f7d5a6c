import { Component, h, type FunctionComponent } from 'preact';

const same = (a: object, b: object): boolean => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k]);
};

/**
 * A component rendered again only when one of its props changed (by identity): the grid's
 * rows, so a change to one agent, a resource sample or a filter keystroke renders only
 * the rows it touches. (preact/compat's `memo`, without the rest of compat.)
 */
export function pure<P extends object>(render: FunctionComponent<P>): FunctionComponent<P> {
  class Pure extends Component<P> {
    override shouldComponentUpdate(next: P): boolean {
      return !same(this.props, next);
    }
    override render() {
      return h(render, this.props);
    }
  }
  (Pure as unknown as { displayName: string }).displayName = `pure(${render.name})`;
  return Pure as unknown as FunctionComponent<P>;
}
