import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { DataSource } from 'typeorm';
import { CredentialRepository, CredentialVerifier, SessionRepository } from '@sacp/event-store';
import type { JsonLogger } from '@sacp/platform';
import { CONFIG, factory, LOGGER } from '@sacp/platform/nest';
import type { ApiConfig } from '../config';
import { CommandSender } from '../http/command-sender';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { FirstAdmin } from './first-admin';
import { rateLimits } from './rate-limits';
import { RefusalRecorder } from './refusal-recorder';
import { SessionSweeper } from './session-sweeper';

export interface AuthModuleOptions {
  config: ApiConfig;
  log: JsonLogger;
  /** controllers that answer without a credential (health, metrics) */
  publicControllers: Type[];
}

/**
 * Who may use the API: sessions and API tokens checked on every request (AuthGuard,
 * global), sign-in and rate limits, the first admin from the environment, and the
 * CommandSender every changing endpoint goes through.
 */
@Module({})
export class AuthModule {
  static forRoot(o: AuthModuleOptions): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      imports: [ThrottlerModule.forRoot(rateLimits({ signInPerMinute: o.config.API_SIGNIN_LIMIT_PER_MINUTE, commandsPerMinute: o.config.API_COMMAND_LIMIT_PER_MINUTE }))],
      controllers: [AuthController],
      providers: [
        { provide: CONFIG, useValue: o.config },
        { provide: LOGGER, useValue: o.log },
        factory(CredentialVerifier, [DataSource], (ds) => new CredentialVerifier(new CredentialRepository(ds))),
        factory(SessionRepository, [DataSource], (ds) => new SessionRepository(ds)),
        AuthService,
        CommandSender,
        FirstAdmin,
        RefusalRecorder,
        SessionSweeper,
        factory(APP_GUARD, [Reflector, AuthService, RefusalRecorder], (reflector, auth, refusals) => new AuthGuard(reflector, auth, refusals, new Set(o.publicControllers))),
      ],
      exports: [AuthService, CommandSender, CredentialVerifier, SessionRepository],
    };
  }
}
