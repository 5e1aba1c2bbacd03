/**
 * Comparing two JSON Schemas of one protocol message — pydantic's `model_json_schema()` (the engine)
 * and zod's `z.toJSONSchema(schema, {io: "input"})` (the TS client) — field by field. Reported, by
 * dotted field name: a field only one side has; a type TS accepts that the engine does not (enum
 * members, array items and nested objects compared too); a field the engine requires that TS lets
 * the caller omit; a bound the engine enforces that TS does not (TS would accept what the engine
 * answers 422 to). A TS side stricter than the engine (required where the engine has a default, a
 * tighter bound, no `null` where the engine also takes one) is allowed: the TS client only ever sends.
 */

type JsonSchema = {
  type?: string | string[];
  anyOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  enum?: unknown[];
  const?: unknown;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  minLength?: number;
};

/** zod writes ±(2^53 − 1) on every integer; that is no bound the engine could state. */
const SAFE = Number.MAX_SAFE_INTEGER;

function resolve(schema: JsonSchema, defs: Record<string, JsonSchema>): JsonSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.split("/").at(-1) as string;
  const target = defs[name];
  if (!target) throw new Error(`unresolved $ref ${schema.$ref}`);
  return target;
}

/** The alternatives of a schema (anyOf flattened), each resolved. */
function variants(schema: JsonSchema, defs: Record<string, JsonSchema>): JsonSchema[] {
  const resolved = resolve(schema, defs);
  if (resolved.anyOf) return resolved.anyOf.flatMap((part) => variants(part, defs));
  // `type: ["string", "null"]` is `anyOf` of each type.
  if (Array.isArray(resolved.type)) return resolved.type.map((type) => ({ ...resolved, type }));
  return [resolved];
}

function kind(schema: JsonSchema): string {
  if (schema.const !== undefined) return `const ${JSON.stringify(schema.const)}`;
  if (schema.enum) return `enum ${JSON.stringify([...schema.enum].map(String).sort())}`;
  return (schema.type as string | undefined) ?? "any";
}

/** Lower and upper bounds as [value, inclusive]; integers' exclusive bounds become inclusive ones. */
function bounds(schema: JsonSchema): { low?: [number, boolean]; high?: [number, boolean] } {
  const integer = schema.type === "integer";
  const low =
    schema.exclusiveMinimum !== undefined
      ? integer
        ? ([schema.exclusiveMinimum + 1, true] as [number, boolean])
        : ([schema.exclusiveMinimum, false] as [number, boolean])
      : schema.minimum !== undefined && schema.minimum > -SAFE
        ? ([schema.minimum, true] as [number, boolean])
        : undefined;
  const high =
    schema.exclusiveMaximum !== undefined
      ? integer
        ? ([schema.exclusiveMaximum - 1, true] as [number, boolean])
        : ([schema.exclusiveMaximum, false] as [number, boolean])
      : schema.maximum !== undefined && schema.maximum < SAFE
        ? ([schema.maximum, true] as [number, boolean])
        : undefined;
  return { ...(low && { low }), ...(high && { high }) };
}

const show = (bound: [number, boolean] | undefined, side: "≥" | "≤") =>
  bound ? `${bound[1] ? side : side === "≥" ? ">" : "<"} ${bound[0]}` : "none";

function compareBounds(path: string, engine: JsonSchema, client: JsonSchema, diffs: string[]): void {
  const e = bounds(engine);
  const c = bounds(client);
  // The client's bound must be at least as tight as the engine's.
  const looserLow =
    e.low && (!c.low || c.low[0] < e.low[0] || (c.low[0] === e.low[0] && c.low[1] && !e.low[1]));
  const looserHigh =
    e.high && (!c.high || c.high[0] > e.high[0] || (c.high[0] === e.high[0] && c.high[1] && !e.high[1]));
  if (looserLow) diffs.push(`${path}: engine requires ${show(e.low, "≥")}, TS accepts ${show(c.low, "≥")}`);
  if (looserHigh)
    diffs.push(`${path}: engine requires ${show(e.high, "≤")}, TS accepts ${show(c.high, "≤")}`);
  for (const key of ["minItems", "minLength"] as const) {
    if ((engine[key] ?? 0) > (client[key] ?? 0))
      diffs.push(`${path}: engine requires ${key} ${engine[key]}, TS ${client[key] ?? "none"}`);
  }
}

function compareSchemas(
  path: string,
  engine: JsonSchema,
  client: JsonSchema,
  defs: { engine: Record<string, JsonSchema>; client: Record<string, JsonSchema> },
  diffs: string[],
): void {
  const engineParts = variants(engine, defs.engine);
  const clientParts = variants(client, defs.client);
  const engineKinds = engineParts.map(kind).sort();
  const clientKinds = clientParts.map(kind).sort();
  if (clientKinds.some((clientKind) => !engineKinds.includes(clientKind))) {
    diffs.push(`${path}: engine type ${engineKinds.join(" | ")}, TS type ${clientKinds.join(" | ")}`);
    return;
  }
  for (const engineKind of clientKinds) {
    const e = engineParts.find((part) => kind(part) === engineKind) as JsonSchema;
    const c = clientParts.find((part) => kind(part) === engineKind) as JsonSchema;
    compareBounds(path, e, c, diffs);
    if (engineKind === "array") compareSchemas(`${path}[]`, e.items ?? {}, c.items ?? {}, defs, diffs);
    if (engineKind === "object") compareObjects(path, e, c, defs, diffs);
  }
}

function compareObjects(
  path: string,
  engine: JsonSchema,
  client: JsonSchema,
  defs: { engine: Record<string, JsonSchema>; client: Record<string, JsonSchema> },
  diffs: string[],
): void {
  const engineFields = engine.properties ?? {};
  const clientFields = client.properties ?? {};
  const prefix = path === "" ? "" : `${path}.`;
  for (const name of Object.keys(engineFields)) {
    if (!(name in clientFields)) diffs.push(`${prefix}${name}: in the engine's schema only`);
  }
  for (const name of Object.keys(clientFields)) {
    if (!(name in engineFields)) {
      diffs.push(`${prefix}${name}: in the TS schema only`);
      continue;
    }
    const engineRequired = engine.required?.includes(name) ?? false;
    const clientRequired = client.required?.includes(name) ?? false;
    if (engineRequired && !clientRequired)
      diffs.push(`${prefix}${name}: the engine requires it, TS makes it optional`);
    compareSchemas(
      `${prefix}${name}`,
      engineFields[name] as JsonSchema,
      clientFields[name] as JsonSchema,
      defs,
      diffs,
    );
  }
}

/** Every disagreement between the engine's and the TS client's schema of one message (empty: they agree). */
export function schemaDifferences(engine: JsonSchema, client: JsonSchema): string[] {
  const diffs: string[] = [];
  compareSchemas("", engine, client, { engine: engine.$defs ?? {}, client: client.$defs ?? {} }, diffs);
  return diffs;
}
