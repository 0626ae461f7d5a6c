import { InMemoryEventStore } from '@sacp/event-store';
import { eventStoreContract } from '../../support/event-store-contract';

eventStoreContract('InMemoryEventStore', async () => ({ store: new InMemoryEventStore(), close: async () => undefined }));
