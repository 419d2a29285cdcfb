import { describe, expect, it } from 'vitest';
import {
  contactsOf,
  permanentCopiesOf,
  planAorPush,
  planFullSync,
  planOwnerChange,
  type AccountOp,
} from '../../controller/features/accounts/accounts.decider.js';
import {
  accountsOf,
  callerIdOf,
  isOwnedEndpoint,
  type AccountOwner,
} from '../../controller/features/accounts/sip-objects.js';

const alice: AccountOwner = {
  kind: 'user',
  id: 'u-alice',
  extension: '1001',
  displayName: 'Alice Liddell',
  sipPassword: 'alice-secret',
};
const lobby: AccountOwner = { kind: 'device', id: 'lobby', name: 'Lobby phone', sipPassword: 'lobby-secret' };

const summary = (ops: AccountOp[]) =>
  ops.map((op) => (op.kind === 'push' ? `push ${op.account.id}` : `remove ${op.id}`));

describe('sip objects', () => {
  it('a user has a desk account named by the extension and a WebRTC one named <extension>-web', () => {
    const [desk, web] = accountsOf(alice);
    expect(desk).toEqual({
      id: '1001',
      auth: { auth_type: 'userpass', username: '1001', password: 'alice-secret' },
      aor: { max_contacts: '2', remove_existing: 'yes', qualify_frequency: '30' },
      endpoint: {
        context: 'from-internal',
        disallow: 'all',
        allow: 'ulaw,alaw,g722',
        direct_media: 'no',
        rtp_symmetric: 'yes',
        force_rport: 'yes',
        rewrite_contact: 'yes',
        dtmf_mode: 'rfc4733',
        callerid: '"Alice Liddell" <1001>',
        mailboxes: '1001@ari-pbx',
        aors: '1001',
        auth: '1001',
        accountcode: 'pbx:desk:u-alice',
      },
    });
    expect(web).toMatchObject({
      id: '1001-web',
      auth: { username: '1001-web', password: 'alice-secret' },
      aor: { max_contacts: '5', remove_existing: 'yes' },
      endpoint: {
        allow: 'ulaw,alaw',
        webrtc: 'yes',
        media_encryption: 'dtls',
        dtls_auto_generate_cert: 'yes',
        ice_support: 'yes',
        use_avpf: 'yes',
        rtcp_mux: 'yes',
        mailboxes: '1001@ari-pbx',
        aors: '1001-web',
        auth: '1001-web',
        accountcode: 'pbx:webrtc:u-alice',
      },
    });
  });

  it('pins no transport, so any of transport-udp/-tcp/-ws/-wss carries the accounts', () => {
    for (const account of [...accountsOf(alice), ...accountsOf(lobby)])
      expect(account.endpoint).not.toHaveProperty('transport');
  });

  it('the password is only in the auth object', () => {
    for (const account of accountsOf(alice)) {
      expect(JSON.stringify({ ...account, auth: undefined })).not.toContain('alice-secret');
    }
  });

  it('a device has one desk-phone account named by its id', () => {
    expect(accountsOf(lobby)).toEqual([
      expect.objectContaining({
        id: 'lobby',
        auth: { auth_type: 'userpass', username: 'lobby', password: 'lobby-secret' },
        aor: { max_contacts: '1', remove_existing: 'yes', qualify_frequency: '30' },
        endpoint: expect.objectContaining({
          callerid: '"Lobby phone" <lobby>',
          accountcode: 'pbx:device:lobby',
          allow: 'ulaw,alaw,g722',
        }),
      }),
    ]);
  });

  it.each([
    ['Alice Liddell', '1001', '"Alice Liddell" <1001>'],
    ['Al "the boss" <x>', '1001', '"Al the boss x" <1001>'],
    ['back\\slash\nnewline', '7', '"backslashnewline" <7>'],
    ['  ', '1001', '<1001>'],
  ])('caller id of %j', (name, number, expected) => {
    expect(callerIdOf(name, number)).toBe(expected);
  });

  it('recognises its own endpoints by their accountcode', () => {
    expect(isOwnedEndpoint([{ attribute: 'accountcode', value: 'pbx:desk:u1' }])).toBe(true);
    expect(
      isOwnedEndpoint([
        { attribute: 'accountcode', value: '' },
        { attribute: 'context', value: 'from-trunk' },
      ]),
    ).toBe(false);
  });
});

describe('planOwnerChange', () => {
  const renamed: AccountOwner = { ...alice, extension: '1005' } as AccountOwner;
  const newPassword: AccountOwner = { ...alice, sipPassword: 'changed' } as AccountOwner;

  it.each<[string, AccountOwner[], AccountOwner[], string[]]>([
    ['created', [], [alice], ['push 1001', 'push 1001-web']],
    ['deleted', [alice], [], ['remove 1001', 'remove 1001-web']],
    ['unchanged (e.g. only the role changed)', [alice], [alice], []],
    ['new SIP password', [alice], [newPassword], ['push 1001', 'push 1001-web']],
    [
      'new extension: old names removed first',
      [alice],
      [renamed],
      ['remove 1001', 'remove 1001-web', 'push 1005', 'push 1005-web'],
    ],
    ['device created', [], [lobby], ['push lobby']],
  ])('%s', (_title, before, after, expected) => {
    expect(summary(planOwnerChange(before.flatMap(accountsOf), after.flatMap(accountsOf)))).toEqual(expected);
  });

  it('a changed display name pushes only the endpoints that show it', () => {
    const renamedDisplay = { ...alice, displayName: 'Alice L.' } as AccountOwner;
    const ops = planOwnerChange(accountsOf(alice), accountsOf(renamedDisplay));
    expect(summary(ops)).toEqual(['push 1001', 'push 1001-web']);
    expect(ops[0]).toMatchObject({ account: { endpoint: { callerid: '"Alice L." <1001>' } } });
  });
});

describe('planFullSync', () => {
  it('pushes every account and removes owned endpoints no owner wants', () => {
    const plan = planFullSync([alice, lobby], ['1999', 'old-desk']);
    expect(summary(plan.ops)).toEqual([
      'remove 1999',
      'remove old-desk',
      'push 1001',
      'push 1001-web',
      'push lobby',
    ]);
    expect([...plan.pushed.keys()]).toEqual(['user:u-alice', 'device:lobby']);
    expect(plan.conflicts).toEqual([]);
  });

  it('never removes an account that is wanted', () => {
    expect(summary(planFullSync([alice], ['1001-web']).ops)).toEqual(['push 1001', 'push 1001-web']);
  });

  it('when two owners claim one name the first keeps it', () => {
    const clash: AccountOwner = { kind: 'device', id: '1001', name: 'Clash', sipPassword: 'x' };
    const plan = planFullSync([alice, clash], []);
    expect(summary(plan.ops)).toEqual(['push 1001', 'push 1001-web']);
    expect(plan.conflicts).toEqual([{ id: '1001', owner: 'device:1001' }]);
    expect(plan.pushed.get('device:1001')).toEqual([]);
  });
});

describe('pushing an AOR: never an update in place (its copy would keep registered contacts as permanent ones)', () => {
  const wanted = { max_contacts: '2', remove_existing: 'yes', qualify_frequency: '30' };
  /** An AOR as ARI returns it: every attribute, booleans as true/false, one `contact` per contact. */
  const reported = (overrides: Record<string, string> = {}, contacts: string[] = []) => [
    ...Object.entries({
      minimum_expiration: '60',
      max_contacts: '2',
      remove_existing: 'true',
      qualify_frequency: '30',
      ...overrides,
    }).map(([attribute, value]) => ({ attribute, value })),
    ...(contacts.length ? contacts : ['']).map((value) => ({ attribute: 'contact', value })),
  ];
  const phone = 'sip:1001-0x55d0@127.0.0.1:25920';

  it.each([
    ['no AOR yet', undefined, 0, 'create'],
    ['the same fields (yes reported as true)', reported(), 0, 'keep'],
    ['the same fields, a phone registered', reported({}, [phone]), 0, 'keep'],
    ['another max_contacts', reported({ max_contacts: '5' }), 0, 'recreate'],
    ['qualify_frequency missing', reported({ qualify_frequency: '0' }), 0, 'recreate'],
    ['the same fields but a permanent copy of a contact', reported({}, [phone, phone]), 1, 'recreate'],
  ] as const)('%s → %s', (_name, existing, copies, expected) => {
    expect(planAorPush(existing, wanted, copies)).toBe(expected);
  });

  it('counts the listed contacts no registration stands behind', () => {
    expect(contactsOf(reported({}, [phone, phone]))).toEqual([phone, phone]);
    expect(contactsOf(reported())).toEqual([]);
    expect(permanentCopiesOf([phone], new Set([phone]))).toEqual([]);
    expect(permanentCopiesOf([phone, phone], new Set([phone]))).toEqual([phone]); // registered, and copied
    expect(permanentCopiesOf([phone], new Set())).toEqual([phone]); // the phone left, its copy stayed
    expect(permanentCopiesOf([], new Set())).toEqual([]);
  });
});
