/*
 * BusModule in a Nest application against a private nats-server: the service's
 * connection opened with its credential file, the typed client on it, both
 * injectable; the connection drained when the application closes.
 */
import 'reflect-metadata';
import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NatsConnection } from '@nats-io/nats-core';
import { BusClient, NATS } from '@sacp/bus';
import { BusModule } from '@sacp/bus/nest';
import { Subjects } from '@sacp/events';
import { startNats, type TestNats } from '../../support/nats-server';

const SETTINGS = Symbol('SETTINGS');

describe('BusModule', () => {
  let nats: TestNats;
  let orchestrator: NatsConnection;

  beforeAll(async () => {
    nats = await startNats();
    orchestrator = await nats.connectAs('orchestrator');
    orchestrator.subscribe(Subjects.query('template.list'), { callback: (_e, m) => void m.respond(JSON.stringify({ ok: true, result: { templates: [], problems: [] } })) });
    await orchestrator.flush();
  });

  afterAll(async () => {
    await orchestrator?.close();
    await nats?.stop();
  });

  test('forRoot: the connection and the client are injectable, the client answers, and closing the application drains the connection', async () => {
    const app = await Test.createTestingModule({
      imports: [BusModule.forRoot({ service: 'discord-gateway', url: nats.url, credentialsFile: nats.credentialFile('discord-gateway'), client: { requestTimeoutMs: 2000 } })],
    }).compile();
    await app.init();
    const nc = app.get<NatsConnection>(NATS);
    const bus = app.get(BusClient);
    assert.equal(nc.info?.client_id !== undefined, true);
    const reply = await bus.query('template.list', {});
    assert.deepEqual(reply, { ok: true, result: { templates: [], problems: [] } });
    await app.close();
    assert.equal(nc.isClosed(), true);
  });

  test('forRootAsync: the options come from the service’s own providers; a credential that does not exist stops the start naming the file', async () => {
    @Module({ providers: [{ provide: SETTINGS, useValue: { url: nats.url, file: nats.credentialFile('cli') } }], exports: [SETTINGS] })
    class SettingsModule {}
    const app = await Test.createTestingModule({
      imports: [
        BusModule.forRootAsync({
          imports: [SettingsModule],
          inject: [SETTINGS],
          useFactory: (s: { url: string; file: string }) => ({ service: 'cli', url: s.url, credentialsFile: s.file, client: { requestTimeoutMs: 2000 } }),
        }),
      ],
    }).compile();
    await app.init();
    assert.equal((await app.get(BusClient).query('template.list', {})).ok, true);
    await app.close();

    await assert.rejects(
      Test.createTestingModule({
        imports: [BusModule.forRoot({ service: 'x', url: nats.url, credentialsFile: '/nonexistent/x.json', client: { requestTimeoutMs: 1000 } })],
      }).compile(),
      /cannot read the NATS credentials file \/nonexistent\/x\.json/,
    );
  });
});
