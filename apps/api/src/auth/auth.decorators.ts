import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Role } from '@sacp/events';
import type { Principal } from './principal';

export const IS_PUBLIC = 'sacp:public';
export const MIN_ROLE = 'sacp:min-role';

/** The route needs no credential (sign-in only; health and metrics are listed in AuthModule). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The least role the route needs; a route without it needs viewer. On a controller or a method (the method's wins). */
export const MinRole = (role: Role) => SetMetadata(MIN_ROLE, role);

/** The principal AuthGuard verified for this request. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<{ principal?: Principal }>().principal;
  if (!principal) throw new Error('CurrentPrincipal on a route AuthGuard did not check');
  return principal;
});
