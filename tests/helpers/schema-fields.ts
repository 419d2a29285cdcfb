import type { z } from 'zod';

/** A string somewhere in a request part, found by walking the route's zod schema. */
export interface StringField {
  /** Keys and array indexes from the part's root, e.g. `['phoneNumbers', 0]`. */
  path: (string | number)[];
  /** No format, pattern or custom check: any text passes the schema (so it reaches the service and the database). */
  freeText: boolean;
}

type Def = {
  type: string;
  format?: string;
  checks?: { _zod: { def: { check: string } } }[];
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  out?: z.ZodType;
  valueType?: z.ZodType;
};

const defOf = (schema: z.ZodType) => (schema as unknown as { def: Def }).def;

/** Every string field of `schema` (zod 4), through optional, default, nullable, pipe, union, array and record. */
export function stringFields(schema: z.ZodType | undefined, path: (string | number)[] = []): StringField[] {
  if (!schema) return [];
  const def = defOf(schema);
  switch (def.type) {
    case 'string': {
      const constrained = def.format !== undefined || (def.checks ?? []).some(isConstraint);
      return [{ path, freeText: !constrained }];
    }
    case 'object':
      return Object.entries(def.shape ?? {}).flatMap(([key, field]) => stringFields(field, [...path, key]));
    case 'array':
      return stringFields(def.element, [...path, 0]);
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return stringFields(def.innerType, path);
    case 'pipe':
      return stringFields(def.in, path);
    case 'union':
      return dedupe((def.options ?? []).flatMap((option) => stringFields(option, path)));
    case 'record':
      return stringFields(def.valueType, [...path, 'key']);
    default:
      return [];
  }
}

const isConstraint = (check: { _zod: { def: { check: string } } }) =>
  check._zod.def.check === 'string_format' || check._zod.def.check === 'custom';

const dedupe = (fields: StringField[]) =>
  fields.filter((f, i) => fields.findIndex((g) => g.path.join('.') === f.path.join('.')) === i);

/** A field of a request part, whatever its type: a leaf (string, number, enum, …), an object or an array. */
export interface SchemaField {
  path: (string | number)[];
  /** The zod types the field may take (several through a union), e.g. `['number', 'null']`. */
  types: string[];
}

const wrappers = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/** The zod types a schema may be, through the wrappers, pipes and unions (`nullable` adds `null`). */
function typesOf(schema: z.ZodType): string[] {
  const def = defOf(schema);
  if (def.type === 'nullable') return [...new Set(['null', ...typesOf(def.innerType!)])];
  if (wrappers.has(def.type)) return typesOf(def.innerType!);
  if (def.type === 'pipe') return typesOf(def.in!);
  if (def.type === 'union') return [...new Set((def.options ?? []).flatMap(typesOf))];
  return [def.type];
}

/** Every field of `schema` at any depth (objects' keys, arrays' first element, union options' fields). */
export function schemaFields(schema: z.ZodType | undefined, path: (string | number)[] = []): SchemaField[] {
  if (!schema) return [];
  const def = defOf(schema);
  if (wrappers.has(def.type)) return schemaFields(def.innerType, path);
  if (def.type === 'pipe') return schemaFields(def.in, path);
  const here: SchemaField[] = path.length ? [{ path, types: typesOf(schema) }] : [];
  switch (def.type) {
    case 'object':
      return [
        ...here,
        ...Object.entries(def.shape ?? {}).flatMap(([key, field]) => schemaFields(field, [...path, key])),
      ];
    case 'array':
      return [...here, ...schemaFields(def.element, [...path, 0])];
    case 'union': {
      const inner = (def.options ?? []).flatMap((option) =>
        schemaFields(option, path).slice(path.length ? 1 : 0),
      );
      const fields = [...here, ...inner];
      return fields.filter((f, i) => fields.findIndex((g) => g.path.join('.') === f.path.join('.')) === i);
    }
    default:
      return here;
  }
}
