import { randomBytes } from 'node:crypto';
import { LIMITS } from '../limits.js';
import type { CollectionName, Rec } from '../store/types.js';
import type { Workspace } from '../store/workspace.js';

/** A field that must name an existing record of another collection. */
export interface Reference {
  field: string;
  collection: CollectionName;
  /** Singular name for messages ("user"). */
  resource: string;
  /** Only checked when this predicate holds (author_id depends on author_type). */
  when?: (record: Rec) => boolean;
}

export type ChangeKind = 'created' | 'updated' | 'deleted';

/** The webhook events of `<name>.<kind>` (most resources emit exactly those). */
const eventsNamed =
  (name: string) =>
  (kind: ChangeKind): string[] => [`${name}.${kind}`];

export interface WriteContext {
  ws: Workspace;
  /** The user behind the credentials (the workspace owner for API keys). */
  userId: string;
  /** The scopes of the credential making the change. */
  scopes: ReadonlySet<string>;
  now: string;
}

/**
 * Everything resource-specific, as data and small hooks. Paging, filtering, sorting,
 * search, validation and persistence are generic (engine.ts, query.ts, openapi.yaml).
 */
export interface ResourceDescriptor {
  /** Singular name for messages ("ticket"). */
  name: string;
  collection: CollectionName;
  idPrefix: string;
  /** Component schema of the record in openapi.yaml (enum order for sorting). */
  schema: string;
  /** Text searched by `q`. */
  searchFields: string[];
  /** Extra searchable text (a conversation's message bodies). */
  searchExtra?: (record: Rec, ws: Workspace) => string;
  /** Query parameter → record field, where they differ. */
  filterFields?: Record<string, string>;
  /** Nested resources: the parent named by a path parameter must exist. */
  parent?: { param: string; field: string; collection: CollectionName; resource: string };
  /** Path parameter holding the record id (default `id`). */
  idParam?: string;
  references?: Reference[];
  /** Fields unique per workspace, compared case-insensitively. */
  unique?: string[];
  /** Server-set fields of a new record, beyond id and timestamps. */
  serverFields?: (ctx: WriteContext, input: Rec) => Record<string, unknown>;
  /** Server-set fields written by every create and update (who wrote it last). */
  stamp?: (ctx: WriteContext) => Record<string, unknown>;
  /** Most records of this kind per workspace (below the general --max-records). */
  maxRecords?: number;
  /** Stored but never returned... */
  hidden?: string[];
  /** ...except these, in the create response. */
  revealOnCreate?: string[];
  /** Called after a create commits to the collection (same tick, before persisting). */
  afterCreate?: (ctx: WriteContext, record: Rec) => void;
  /** Owned children deleted with the record. */
  cascade?: { collection: CollectionName; field: string }[];
  /** The webhook events a committed change emits (none when absent); each is in openapi.yaml's EventType. */
  events?: (kind: ChangeKind, record: Rec, previous?: Rec) => string[];
}

const userRef: Reference = { field: 'assignee_id', collection: 'users', resource: 'user' };
const contactRef: Reference = { field: 'contact_id', collection: 'contacts', resource: 'contact' };

export const descriptors: Record<string, ResourceDescriptor> = {
  users: {
    name: 'user',
    collection: 'users',
    idPrefix: 'user_',
    schema: 'User',
    searchFields: ['name', 'email'],
  },
  conversations: {
    name: 'conversation',
    collection: 'conversations',
    idPrefix: 'conv_',
    schema: 'Conversation',
    searchFields: ['subject', 'last_message_preview', 'tags'],
    searchExtra: (conv, ws) =>
      ws.collections.messages
        .where('conversation_id', conv.id)
        .map((m) => m.body)
        .join('\n'),
    filterFields: { tag: 'tags' },
    references: [userRef, contactRef],
    events: eventsNamed('conversation'),
    serverFields: () => ({ message_count: 0, last_message_at: null, last_message_preview: null }),
    cascade: [{ collection: 'messages', field: 'conversation_id' }],
  },
  messages: {
    name: 'message',
    collection: 'messages',
    idPrefix: 'msg_',
    schema: 'Message',
    searchFields: ['body'],
    parent: { param: 'id', field: 'conversation_id', collection: 'conversations', resource: 'conversation' },
    idParam: 'message_id',
    // Messages are only ever created through the API.
    events: (kind) => (kind === 'created' ? ['message.created'] : []),
    references: [
      { field: 'author_id', collection: 'users', resource: 'user', when: (m) => m.author_type === 'user' },
      { field: 'author_id', collection: 'contacts', resource: 'contact', when: (m) => m.author_type === 'contact' },
    ],
    serverFields: ({ ws, userId }, input) => {
      if (input.author_id) return {};
      if (input.author_type === 'contact') {
        const conv = ws.collections.conversations.get(String(input.conversation_id));
        return { author_id: conv?.contact_id ?? null };
      }
      return { author_id: userId };
    },
    afterCreate: ({ ws, now }, message) => {
      const conversations = ws.collections.conversations;
      const conv = conversations.get(String(message.conversation_id));
      if (!conv) return;
      conversations.put({
        ...conv,
        message_count: Number(conv.message_count ?? 0) + 1,
        last_message_at: message.created_at,
        last_message_preview: String(message.body).slice(0, 140),
        updated_at: now,
      });
    },
  },
  contacts: {
    name: 'contact',
    collection: 'contacts',
    idPrefix: 'contact_',
    schema: 'Contact',
    searchFields: ['name', 'email', 'phone', 'company', 'tags'],
    filterFields: { tag: 'tags' },
    unique: ['email'],
    events: eventsNamed('contact'),
  },
  tickets: {
    name: 'ticket',
    collection: 'tickets',
    idPrefix: 'ticket_',
    schema: 'Ticket',
    searchFields: ['subject', 'description', 'tags'],
    filterFields: { tag: 'tags' },
    references: [userRef, contactRef, { field: 'conversation_id', collection: 'conversations', resource: 'conversation' }],
    // An assignment (a ticket created with an assignee, or a new assignee) also emits ticket.assigned;
    // the same assignee again, an unassignment or a deletion does not.
    events: (kind, ticket, previous) => [
      `ticket.${kind}`,
      ...(kind !== 'deleted' && ticket.assignee_id && ticket.assignee_id !== previous?.assignee_id ? ['ticket.assigned'] : []),
    ],
  },
  webhooks: {
    name: 'webhook',
    collection: 'webhooks',
    idPrefix: 'wh_',
    schema: 'Webhook',
    searchFields: ['url', 'description'],
    hidden: ['secret', 'scopes'],
    revealOnCreate: ['secret'],
    maxRecords: LIMITS.webhooksPerWorkspace,
    serverFields: () => ({ secret: `whsec_${randomBytes(24).toString('base64')}` }),
    // A subscription receives only the events its last writer may read (webhooks/events.ts).
    stamp: ({ scopes }) => ({ scopes: [...scopes].sort() }),
    cascade: [{ collection: 'deliveries', field: 'webhook_id' }],
  },
  deliveries: {
    name: 'delivery',
    collection: 'deliveries',
    idPrefix: 'dlv_',
    schema: 'Delivery',
    searchFields: ['event', 'error'],
    parent: { param: 'id', field: 'webhook_id', collection: 'webhooks', resource: 'webhook' },
  },
};
