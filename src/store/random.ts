/**
 * Seeded randomness. faker is imported on first use (it costs ~30 ms), never at start-up.
 */
export interface Faker {
  seed(seed: number): unknown;
  string: { alphanumeric(opts: { length: number; casing: 'lower' }): string; base64(opts: { length: number }): string };
  number: { int(opts: { min: number; max: number }): number; float(opts: { min: number; max: number }): number };
  datatype: { boolean(probability?: number): boolean };
  helpers: {
    arrayElement<T>(list: readonly T[]): T;
    arrayElements<T>(list: readonly T[], count: { min: number; max: number }): T[];
    weightedArrayElement<T>(list: { value: T; weight: number }[]): T;
  };
  person: { firstName(): string; lastName(): string };
  internet: { email(opts?: { firstName?: string; lastName?: string; provider?: string }): string };
  phone: { number(opts: { style: 'international' }): string };
  company: { name(): string };
  lorem: { sentence(): string };
}

/** faker's seeded source of numbers in [0, 1): every faker method draws from it. */
interface Randomizer {
  next(): number;
}

const ALPHANUMERIC_LOWER = [...'0123456789abcdefghijklmnopqrstuvwxyz'];

/**
 * The faker methods the factories call most, drawing straight from faker's own seeded
 * randomizer the very numbers faker 10's implementations draw (same count, same order, same
 * arithmetic), without their per-call option handling, bound wrappers and temporary arrays.
 * The person, internet, phone, company and lorem modules stay faker's own, on the same
 * randomizer, so the stream of draws is unchanged: the generated fixtures are the same byte for
 * byte (test/unit/generator-pinned.test.ts holds their hashes). At 100k records per collection,
 * faker's own versions were two fifths of the generation time.
 */
export function withFastDraws(f: Faker & { fakerCore: { randomizer: Randomizer } }): Faker {
  const random = f.fakerCore.randomizer;
  // faker's number.int: whole bounds inward, no draw when they meet.
  const int = ({ min = 0, max }: { min?: number; max: number }): number => {
    const lo = Math.ceil(min);
    const hi = Math.floor(max);
    if (lo === hi) return lo;
    if (hi < lo) throw new RangeError(`No integer between ${min} and ${max}.`);
    return Math.floor(random.next() * (hi - lo + 1) + lo);
  };
  const float = ({ min = 0, max = 1 }: { min?: number; max?: number } = {}): number => {
    if (max < min) throw new RangeError(`Max ${max} should be greater than min ${min}.`);
    return random.next() * (max - min) + min;
  };
  const arrayElement = <T>(list: readonly T[]): T => {
    if (list.length === 0) throw new RangeError('Cannot get value from empty dataset.');
    return list[list.length > 1 ? int({ max: list.length - 1 }) : 0]!;
  };
  const swap = <T>(list: T[], i: number, j: number) => {
    const t = list[i]!;
    list[i] = list[j]!;
    list[j] = t;
  };
  return {
    ...f,
    seed: (seed) => f.seed(seed),
    number: { int, float },
    datatype: { boolean: (probability = 0.5) => (probability <= 0 ? false : probability >= 1 || float() < probability) },
    string: {
      ...f.string,
      alphanumeric: ({ length, casing }) => {
        if (casing !== 'lower') return f.string.alphanumeric({ length, casing });
        let out = '';
        for (let i = 0; i < length; i++) out += arrayElement(ALPHANUMERIC_LOWER);
        return out;
      },
    },
    helpers: {
      arrayElement,
      arrayElements: <T>(list: readonly T[], count: { min: number; max: number }): T[] => {
        if (list.length === 0) return [];
        const n = int(count);
        const copy = [...list];
        // faker's shuffle when all are taken, else a partial Fisher-Yates from the end.
        if (n >= list.length) {
          for (let i = copy.length - 1; i > 0; --i) swap(copy, i, int({ max: i }));
          return copy;
        }
        if (n <= 0) return [];
        const stop = list.length - n;
        for (let i = list.length - 1; i >= stop; i--) swap(copy, int({ max: i }), i);
        return copy.slice(stop);
      },
      weightedArrayElement: <T>(list: { value: T; weight: number }[]): T => {
        if (list.length === 0 || list.some((e) => e.weight <= 0)) return f.helpers.weightedArrayElement(list);
        let total = 0;
        for (const e of list) total += e.weight;
        const r = float({ min: 0, max: total });
        let sum = 0;
        for (const e of list) {
          sum += e.weight;
          if (r < sum) return e.value;
        }
        return list[list.length - 1]!.value;
      },
    },
  };
}

export type FakerFactory = (seed: number) => Faker;

let factory: Promise<FakerFactory> | undefined;

/** A constructor of independent, seeded English faker instances. */
export function loadFaker(): Promise<FakerFactory> {
  factory ??= import('@faker-js/faker/locale/en').then(({ faker }) => {
    const FakerClass = faker.constructor as new (opts: { locale: unknown; seed: number }) => Parameters<typeof withFastDraws>[0];
    const locale = faker.rawDefinitions;
    return (seed: number) => withFastDraws(new FakerClass({ locale, seed }));
  });
  return factory;
}

/** Ids like `ticket_k3j9x0q2mz`: seeded, and never one already taken. */
export function createIdFactory(f: Faker, isTaken: (id: string) => boolean, onIssue?: (id: string) => void) {
  return (prefix: string): string => {
    for (;;) {
      const id = prefix + f.string.alphanumeric({ length: 10, casing: 'lower' });
      if (!isTaken(id)) {
        onIssue?.(id);
        return id;
      }
    }
  };
}
