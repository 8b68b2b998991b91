/**
 * Contracts: one module declaring, with zod, what every channel, procedure and receiver
 * accepts, and optionally who may subscribe and publish. The edge validates: a client
 * publish, invoke or transmit that fails its schema is refused with a ValidationError
 * carrying `issues: [{ path, message }]` (zod's paths), before middleware-approved data
 * reaches a handler or a subscriber; server-side publishes are validated too, and procedure
 * outputs when `checkOutputs` is set. What passes is zod's parsed value (unknown keys of
 * an object stripped, defaults applied).
 *
 * @example
 * const contracts = new Contracts((z) => ({ channels: { "chat/*": z.object({ text: z.string() }) } }), z);
 * contracts.checkPublish("chat/1", { text: 1 }); // { error: ValidationError, issues: [{ path: ["text"], ... }] }
 */
import { type ChannelNamespace, namespaceMatcher } from "../config/namespaces.ts";
import { ErrorName, namedError } from "../protocol/errorNames.ts";

/** The slice of a zod schema scx uses (so this file needs no zod import). */
export interface Schema {
  safeParse(data: unknown): { success: true; data: unknown } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } };
}

/** Who may do something with a channel: the socket's auth token (null: not signed in). */
export type Permission = (token: Record<string, unknown> | null, channel: string) => boolean | Promise<boolean>;

export interface ContractSpec {
  channels?: Record<string, Schema>;
  procedures?: Record<string, { input?: Schema; output?: Schema }>;
  receivers?: Record<string, Schema>;
  canSubscribe?: Permission;
  canPublish?: Permission;
}

/** The default export of a contracts module: a function of zod's `z`. */
export type ContractsModule = (z: any) => ContractSpec;

export interface Issue { path: Array<string | number>; message: string }

/** What a check gives: the value to go on with, or the ValidationError to answer with. */
export type Checked = { ok: true; data: unknown } | { ok: false; error: Error };

const passed = (data: unknown): Checked => ({ ok: true, data });

export class Contracts {
  readonly spec: ContractSpec;
  readonly checkOutputs: boolean;
  readonly #channel: (name: string) => ChannelNamespace | null;
  readonly #schemas = new Map<string, Schema>();

  constructor(spec: ContractSpec, options: { checkOutputs?: boolean } = {}) {
    this.spec = spec;
    this.checkOutputs = options.checkOutputs ?? false;
    const patterns = Object.keys(spec.channels ?? {});
    for (const pattern of patterns) this.#schemas.set(pattern, spec.channels![pattern]!);
    // The channels issue's pattern syntax, first match wins (in declaration order).
    this.#channel = namespaceMatcher(patterns.map((match) => ({ match }) as ChannelNamespace));
  }

  /** The schema of the channel's first matching pattern, or undefined (the channel is free). */
  channelSchema(channel: string): Schema | undefined {
    const found = this.#channel(channel);
    return found ? this.#schemas.get(found.match) : undefined;
  }

  checkPublish(channel: string, data: unknown): Checked {
    const schema = this.channelSchema(channel);
    return schema ? check(schema, data, `Publication to "${channel}"`) : passed(data);
  }

  checkInput(procedure: string, data: unknown): Checked {
    const schema = this.spec.procedures?.[procedure]?.input;
    return schema ? check(schema, data, `Input of procedure "${procedure}"`) : passed(data);
  }

  checkOutput(procedure: string, data: unknown): Checked {
    const schema = this.checkOutputs ? this.spec.procedures?.[procedure]?.output : undefined;
    return schema ? check(schema, data, `Output of procedure "${procedure}"`) : passed(data);
  }

  checkTransmit(receiver: string, data: unknown): Checked {
    const schema = this.spec.receivers?.[receiver];
    return schema ? check(schema, data, `Transmit to "${receiver}"`) : passed(data);
  }
}

/**
 * A ValidationError for the client: zod's issues as `{ path, message }`.
 *
 * @example
 * validationError("Input of procedure \"login\"", [{ path: ["name"], message: "Required" }]);
 */
export function validationError(what: string, issues: Issue[]): Error {
  const first = issues[0];
  const where = first && first.path.length > 0 ? ` at ${first.path.join(".")}` : "";
  return namedError(ErrorName.Validation, `${what} failed its schema${where}: ${first?.message ?? "invalid"}`, { issues });
}

function check(schema: Schema, data: unknown, what: string): Checked {
  const result = schema.safeParse(data);
  if (result.success) return passed(result.data);
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map((key) => typeof key === "number" ? key : String(key)),
    message: issue.message,
  }));
  return { ok: false, error: validationError(what, issues) };
}
