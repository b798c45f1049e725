import type { Clock } from '../clock.js';
import { errors } from '../errors.js';
import type { Operation } from '../openapi/operations.js';
import { enumRanks, propertiesOf, requestSchemaOf, writeDefaults } from '../openapi/schema-info.js';
import type { Spec } from '../openapi/spec.js';
import type { ValidInput } from '../openapi/validator.js';
import { sortRecords, View, type Order, type Ranker } from '../store/collection.js';
import type { Store } from '../store/store.js';
import type { Workspace } from '../store/workspace.js';
import type { Rec } from '../store/types.js';
import { descriptors as allDescriptors, type ChangeKind, type ResourceDescriptor, type WriteContext } from './descriptors.js';
import { pageEnvelope, paginate, planQuery, searchTerms } from './query.js';

export interface Mutation {
  kind: ChangeKind;
  /** The webhook events it emits (from its descriptor). */
  events: string[];
  resource: string;
  workspaceId: string;
  /** The record as the API returns it (the last state, for deletions). */
  record: Rec;
  previous?: Rec;
}

export interface EngineDeps {
  spec: Spec;
  store: Store;
  clock: Clock;
  /** Stores what a write must cause (the webhook outbox), in the same commit as the write. */
  outbox?: (ws: Workspace, mutations: Mutation[]) => void;
  /** Called after a write is committed (persisted with --data), never before. */
  onCommit?: (mutations: Mutation[]) => void;
  /**
   * Checks a create or update before it starts (may look things up, may throw the answer):
   * e.g. a webhook's events against the caller's scopes and its URL against this server.
   */
  vet?: (resource: string, ctx: WriteContext, body: Record<string, unknown>) => Promise<void> | void;
  /** Most records per collection per workspace (--max-records). */
  maxRecords?: number;
}

export interface ListPage {
  data: Rec[];
  meta: ReturnType<typeof pageEnvelope>['meta'];
  links: ReturnType<typeof pageEnvelope>['links'];
}

/** The generic engine: list / get / create / replace / patch / remove over any descriptor. */
export class ResourceEngine {
  private ranks = new Map<string, Record<string, Map<unknown, number>>>();
  private fieldOrder = new Map<string, string[]>();
  private defaults = new Map<string, Record<string, unknown>>();
  private texts = new WeakMap<Rec, string>();

  constructor(
    private readonly deps: EngineDeps,
    private readonly descriptors = allDescriptors,
  ) {}

  private rankerFor(d: ResourceDescriptor, field: string): Ranker | undefined {
    let ranks = this.ranks.get(d.schema);
    if (!ranks) {
      ranks = enumRanks(this.deps.spec, { $ref: `#/components/schemas/${d.schema}` });
      this.ranks.set(d.schema, ranks);
    }
    const order = ranks[field];
    return order ? (v) => (order.has(v) ? order.get(v)! : null) : undefined;
  }

  private defaultsFor(op: Operation): Record<string, unknown> {
    let found = this.defaults.get(op.id);
    if (!found) {
      const schema = requestSchemaOf(this.deps.spec, op.path, op.method);
      found = schema ? writeDefaults(this.deps.spec, schema) : {};
      this.defaults.set(op.id, found);
    }
    return structuredClone(found);
  }

  private textOf(d: ResourceDescriptor, ws: Workspace): (r: Rec) => string {
    return (r) => {
      let text = this.texts.get(r);
      if (text === undefined) {
        const parts = d.searchFields.flatMap((f) => r[f]).filter((v) => v !== null && v !== undefined);
        if (d.searchExtra) parts.push(d.searchExtra(r, ws));
        text = parts.join('\n').toLowerCase();
        this.texts.set(r, text);
      }
      return text;
    };
  }

  /** The record with its keys in the spec's property order, so output is stable byte for byte. */
  private shape(d: ResourceDescriptor, r: Rec): Rec {
    let order = this.fieldOrder.get(d.schema);
    if (!order) {
      order = Object.keys(propertiesOf(this.deps.spec, { $ref: `#/components/schemas/${d.schema}` }));
      this.fieldOrder.set(d.schema, order);
    }
    const out: Record<string, unknown> = {};
    for (const key of order) if (key in r) out[key] = r[key];
    for (const key of Object.keys(r)) if (!(key in out)) out[key] = r[key];
    return out as Rec;
  }

  /** The record as the API shows it (without its hidden fields, but those revealed). */
  private present(d: ResourceDescriptor, r: Rec, reveal: readonly string[] = []): Rec {
    if (!d.hidden) return r;
    const out = { ...r };
    for (const f of d.hidden) if (!reveal.includes(f)) delete out[f];
    return out;
  }

  private parentOf(ws: Workspace, d: ResourceDescriptor, params: Record<string, string>): Rec | undefined {
    if (!d.parent) return undefined;
    const id = params[d.parent.param] ?? '';
    const parent = ws.collections[d.parent.collection].get(id);
    if (!parent) throw errors.notFound(d.parent.resource, id, d.parent.param);
    return parent;
  }

  private find(ws: Workspace, d: ResourceDescriptor, params: Record<string, string>): Rec {
    const parent = this.parentOf(ws, d, params);
    const param = d.idParam ?? 'id';
    const id = params[param] ?? '';
    const record = ws.collections[d.collection].get(id);
    if (!record || (parent && d.parent && record[d.parent.field] !== parent.id)) throw errors.notFound(d.name, id, param);
    return record;
  }

  list(ws: Workspace, name: string, op: Operation, input: ValidInput, path: string, search: string): ListPage {
    const d = this.descriptor(name);
    const { query, params } = input;
    // Every list's defaults come from the spec (the validator fills them in).
    const field = String(query.sort);
    const order = query.order as Order;
    const page = Number(query.page);
    const perPage = Number(query.per_page);
    const rank = this.rankerFor(d, field);
    const collection = ws.collections[d.collection];
    const parent = this.parentOf(ws, d, params);
    const view =
      parent && d.parent ? new View(sortRecords(collection.where(d.parent.field, parent.id), field, order, rank)) : collection.sorted(field, order, rank);
    const fieldOf = (p: string) => d.filterFields?.[p] ?? p;
    const texts = () => view.derived('$search', this.textOf(d, ws));
    const { positions, predicate } = planQuery(query, view, fieldOf, searchTerms(query.q as string | undefined), texts);
    const { items, total } = paginate(view.records, predicate, page, perPage, positions);
    return { data: items.map((r) => this.present(d, r)), ...pageEnvelope(path, search, op.queryDefaults, page, perPage, total) };
  }

  get(ws: Workspace, name: string, params: Record<string, string>): Rec {
    const d = this.descriptor(name);
    return this.present(d, this.find(ws, d, params));
  }

  async create(given: Workspace, name: string, op: Operation, ctx: WriteContext, input: ValidInput): Promise<Rec> {
    const d = this.descriptor(name);
    await this.deps.vet?.(name, ctx, input.body);
    return this.write(given, (ws) => {
      const collection = ws.collections[d.collection];
      const max = d.maxRecords ?? this.deps.maxRecords ?? Infinity;
      if (collection.size >= max) {
        throw errors.limitReached(
          `${d.collection} in a workspace`,
          max,
          `Delete some, or reset the workspace${d.maxRecords ? '' : ' (or start with a higher --max-records)'}.`,
        );
      }
      const parent = this.parentOf(ws, d, input.params);
      const draft: Rec = {
        ...this.defaultsFor(op),
        ...input.body,
        ...(parent && d.parent ? { [d.parent.field]: parent.id } : {}),
        id: '',
        created_at: ctx.now,
        updated_at: ctx.now,
      };
      const here = { ...ctx, ws };
      const record = this.shape(d, { ...draft, ...d.serverFields?.(here, draft), ...d.stamp?.(here), id: ws.newId(d.idPrefix) });
      this.check(ws, d, record);
      collection.put(record);
      d.afterCreate?.(here, record);
      const shown = this.present(d, record, d.revealOnCreate);
      return { result: shown, mutations: [this.mutation(d, ws, 'created', record)] };
    });
  }

  /** PUT (`merge` false: fields left out go back to their defaults) and PATCH (`merge` true). */
  async update(given: Workspace, name: string, op: Operation, ctx: WriteContext, input: ValidInput, merge: boolean): Promise<Rec> {
    const d = this.descriptor(name);
    // A subscription is vetted as it will be after the change (the events it keeps included).
    const previous = given.collections[d.collection].get(input.params[d.idParam ?? 'id'] ?? '');
    await this.deps.vet?.(name, ctx, { ...(merge ? previous : {}), ...input.body });
    return this.write(given, (ws) => {
      const previous = this.find(ws, d, input.params);
      const defaults = merge ? {} : this.defaultsFor(op);
      const record = this.shape(d, {
        ...previous,
        ...defaults,
        ...input.body,
        ...d.stamp?.(ctx),
        id: previous.id,
        created_at: previous.created_at,
        updated_at: ctx.now,
      });
      this.check(ws, d, record);
      ws.collections[d.collection].put(record);
      return { result: this.present(d, record), mutations: [this.mutation(d, ws, 'updated', record, previous)] };
    });
  }

  async remove(given: Workspace, name: string, ctx: WriteContext, params: Record<string, string>): Promise<void> {
    const d = this.descriptor(name);
    await this.write(given, (ws) => {
      const record = this.find(ws, d, params);
      ws.collections[d.collection].remove(record.id);
      for (const c of d.cascade ?? []) {
        for (const child of [...ws.collections[c.collection].where(c.field, record.id)]) ws.collections[c.collection].remove(child.id);
      }
      for (const other of Object.values(this.descriptors)) {
        for (const ref of other.references ?? []) {
          if (ref.collection !== d.collection || ref.when) continue;
          const referencing = ws.collections[other.collection];
          for (const r of [...referencing.where(ref.field, record.id)]) referencing.put({ ...r, [ref.field]: null, updated_at: ctx.now });
        }
      }
      return { result: undefined, mutations: [this.mutation(d, ws, 'deleted', record)] };
    });
  }

  private mutation(d: ResourceDescriptor, ws: Workspace, kind: ChangeKind, record: Rec, previous?: Rec): Mutation {
    const shown = this.present(d, record);
    const before = previous && this.present(d, previous);
    return {
      kind,
      events: d.events?.(kind, shown, before) ?? [],
      resource: d.name,
      workspaceId: ws.id,
      record: shown,
      ...(before ? { previous: before } : {}),
    };
  }

  private descriptor(name: string): ResourceDescriptor {
    const d = this.descriptors[name];
    if (!d) throw new Error(`No resource descriptor '${name}'`);
    return d;
  }

  /** Referential sanity and uniqueness, which the schema alone cannot express. */
  private check(ws: Workspace, d: ResourceDescriptor, record: Rec): void {
    for (const ref of d.references ?? []) {
      const value = record[ref.field];
      if (value === null || value === undefined || (ref.when && !ref.when(record))) continue;
      if (!ws.collections[ref.collection].has(String(value))) {
        throw errors.validation(
          ref.field,
          `The '${ref.field}' field must be the id of an existing ${ref.resource}; no ${ref.resource} '${String(value)}' exists.`,
          'invalid_reference',
        );
      }
    }
    for (const field of d.unique ?? []) {
      const wanted = String(record[field] ?? '').toLowerCase();
      const clash = ws.collections[d.collection].values().find((r) => r.id !== record.id && String(r[field] ?? '').toLowerCase() === wanted);
      if (clash) {
        throw errors.validation(field, `A ${d.name} with ${field} '${String(record[field])}' already exists (${clash.id}).`, 'already_exists');
      }
    }
  }

  /**
   * One write, all or nothing: the change and the deliveries it causes (the outbox) land
   * together, in memory and with --data on disk, or none of it does. Reads and checks run
   * inside, so writes never interleave.
   */
  private async write<T>(given: Workspace, change: (ws: Workspace) => { result: T; mutations: Mutation[] }): Promise<T> {
    const { result, mutations } = await this.deps.store.transaction(() => {
      // The workspace as it is now: a reset or restore queued before this write replaced it, or a deletion removed it.
      const ws = this.deps.store.current(given.id);
      if (!ws) throw errors.workspaceGone(given.id);
      const out = change(ws);
      this.deps.outbox?.(ws, out.mutations);
      return out;
    });
    this.deps.onCommit?.(mutations);
    return result;
  }
}
