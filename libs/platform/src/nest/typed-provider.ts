import type { FactoryProvider } from '@nestjs/common';

declare const provides: unique symbol;

/** An injection token that names the type it provides, so a factory's parameters are checked against what it injects. */
export type Token<T> = symbol & { readonly [provides]?: T };
export const token = <T>(description: string): Token<T> => Symbol(description);

type Class<T> = abstract new (...args: never[]) => T;
/** What injecting `D` gives: a token's type, or a class's instance. */
export type Provided<D> = D extends Class<infer I> ? I : D extends Token<infer T> ? T : never;

/**
 * A factory provider whose parameters the compiler checks: each has the type its
 * token or class in `inject` provides, in order.
 */
export function factory<T, const D extends readonly (Token<unknown> | Class<unknown>)[]>(
  provide: Token<T> | Class<T>,
  inject: D,
  useFactory: (...deps: { -readonly [I in keyof D]: Provided<D[I]> }) => T | Promise<T>,
): FactoryProvider<T> {
  return { provide, inject: [...inject], useFactory: useFactory as (...args: unknown[]) => T | Promise<T> };
}
