export { AuthModule, type AuthModuleOptions } from './auth.module';
export { AuthService } from './auth.service';
export { CurrentPrincipal, MinRole, Public } from './auth.decorators';
export { CommandRateLimit } from './rate-limits';
export { actorOf, hasRole, ROLES, type Principal } from './principal';
