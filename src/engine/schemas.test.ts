/**
 * The protocol is written twice — zod here (`schemas.ts`), pydantic in the engine
 * (`engine/boxed_engine/schemas.py`) — so this test holds them together: every pydantic request
 * model has a zod schema of the same name (`X` ↔ `XSchema`, `EmptyRequest` ↔ `EmptySchema`) whose
 * JSON Schema agrees field by field (names, types, required-ness, bounds; see schema-shape.ts).
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { pythonEnvironment, resolvePython } from "./python.js";
import * as schemas from "./schemas.js";
import { schemaDifferences } from "./test-helpers/schema-shape.js";

const DUMP_PYDANTIC = `
import inspect, json
import pydantic
import boxed_engine.schemas as module
models = {
    name: model.model_json_schema()
    for name, model in inspect.getmembers(module, inspect.isclass)
    if issubclass(model, pydantic.BaseModel) and model.__module__ == module.__name__ and model is not module.Strict
}
print(json.dumps(models))
`;

function engineSchemas(): Record<string, Parameters<typeof schemaDifferences>[0]> {
  const output = execFileSync(resolvePython(), ["-c", DUMP_PYDANTIC], {
    env: pythonEnvironment(),
    encoding: "utf8",
  });
  return JSON.parse(output);
}

function zodSchema(model: string): z.ZodType | undefined {
  const table = schemas as unknown as Record<string, z.ZodType | undefined>;
  return table[`${model}Schema`] ?? table[`${model.replace(/Request$/, "")}Schema`];
}

const clientSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Parameters<typeof schemaDifferences>[1];

describe("engine protocol: zod and pydantic agree", () => {
  const models = engineSchemas();

  it("finds the engine's request models", () => {
    expect(Object.keys(models)).toEqual(
      expect.arrayContaining(["SampleRequest", "ForwardBackwardRequest", "Datum"]),
    );
  });

  it("every pydantic model has a zod schema with the same fields, types, required-ness and bounds", () => {
    const report: string[] = [];
    for (const [model, engine] of Object.entries(models)) {
      const schema = zodSchema(model);
      if (!schema) {
        report.push(`${model}: no zod schema ${model}Schema in src/engine/schemas.ts`);
        continue;
      }
      for (const difference of schemaDifferences(engine, clientSchema(schema)))
        report.push(`${model}.${difference}`);
    }
    expect(report).toEqual([]);
  });

  it("the comparison names the field that differs (a field added on one side, a type changed, a bound dropped)", () => {
    const engine = models.SampleRequest as Parameters<typeof schemaDifferences>[0];
    const added = schemas.SampleRequestSchema.extend({ priority: z.number() });
    expect(schemaDifferences(engine, clientSchema(added))).toEqual(["priority: in the TS schema only"]);
    const retyped = schemas.SampleRequestSchema.extend({
      sampling_params: schemas.SamplingParamsSchema.extend({ seed: z.string().nullable().optional() }),
    });
    expect(schemaDifferences(engine, clientSchema(retyped))).toEqual([
      "sampling_params.seed: engine type integer | null, TS type null | string",
    ]);
    const loose = schemas.SampleRequestSchema.extend({
      sampling_params: schemas.SamplingParamsSchema.extend({ top_p: z.number().optional() }),
    });
    expect(schemaDifferences(engine, clientSchema(loose))).toEqual([
      "sampling_params.top_p: engine requires > 0, TS accepts none",
      "sampling_params.top_p: engine requires ≤ 1, TS accepts none",
    ]);
    const optional = schemas.SampleRequestSchema.extend({
      prompts: z.array(z.array(z.number().int())).optional(),
    });
    expect(schemaDifferences(engine, clientSchema(optional))).toEqual([
      "prompts: the engine requires it, TS makes it optional",
      "prompts: engine requires minItems 1, TS none",
    ]);
  });
});
