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

export type FakerFactory = (seed: number) => Faker;

let factory: Promise<FakerFactory> | undefined;

/** A constructor of independent, seeded English faker instances. */
export function loadFaker(): Promise<FakerFactory> {
  factory ??= import('@faker-js/faker/locale/en').then(({ faker }) => {
    const FakerClass = faker.constructor as new (opts: { locale: unknown; seed: number }) => Faker;
    const locale = faker.rawDefinitions;
    return (seed: number) => new FakerClass({ locale, seed });
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
