import { eventStoreContract } from '../../support/event-store-contract';
import { testEventStore } from '../../support/event-store';

eventStoreContract("PgEventStore (real Postgres, as the services' role)", async () => {
  const { store, close } = await testEventStore();
  return { store, close };
});
