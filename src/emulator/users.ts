/**
 * Demo users. The sign-in page lists them by `id`, and `EMULATOR_AUTO_CONSENT` takes that id
 * exactly (docs/architecture.md, "Interface contract"). Plans and balances follow src/emulator/README.md: FREE is a one-time
 * grant of 100 tokens, PROFESSIONAL refills 300/day, PERSONAL 40/day (the lower of the two
 * conflicting figures). Each tenant starts subscribed to a couple of services only, so the
 * "not subscribed" paths exist.
 */
export type Plan = 'FREE' | 'PERSONAL' | 'PROFESSIONAL';

export interface DemoUser {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly tenantId: string;
  readonly plan: Plan;
  /** Tokens granted to the tenant at start (`availableTokens`). */
  readonly tokens: number;
  readonly subscriptions: readonly string[];
}

export const DEMO_USERS: readonly DemoUser[] = [
  {
    id: 'alice',
    name: 'Alice Andersson',
    email: 'alice@example.com',
    tenantId: 'alice-team',
    plan: 'PROFESSIONAL',
    tokens: 300,
    subscriptions: ['minio-minio', 'eyevinn-test-adserver'],
  },
  {
    id: 'bob',
    name: 'Bob Berg',
    email: 'bob@example.com',
    tenantId: 'bob-lab',
    plan: 'FREE',
    tokens: 100,
    subscriptions: ['eyevinn-test-adserver', 'valkey-io-valkey'],
  },
  {
    id: 'carol',
    name: 'Carol Carlsson',
    email: 'carol@example.com',
    tenantId: 'carol-media',
    plan: 'PERSONAL',
    tokens: 40,
    subscriptions: ['apache-couchdb', 'eyevinn-intercom-manager'],
  },
];

export function findUser(id: string): DemoUser | undefined {
  return DEMO_USERS.find((u) => u.id === id);
}
