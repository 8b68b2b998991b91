/**
 * Types for `create<typeof contracts>()`: a socket whose invoke, subscribe and publish
 * take and give the data the contracts module declares. Types only, read structurally
 * through Standard Schema's `~standard.types` (zod has it), so the client imports no zod.
 * Channel patterns become template types (`"chat/*"` → `chat/${string}`); names no
 * pattern matches, and undeclared procedures, stay untyped (`unknown` data).
 *
 * @example
 * import type contracts from "./contracts.ts";
 * const socket = create<typeof contracts>({ port: 8000 });
 * await socket.invoke("login", { name: "ada" }); // a wrong payload does not compile
 * socket.subscribe("chat/1").watch((message) => message.text);
 */
import type { Channel, SubscribeOptions } from "./Channel.ts";
import type { ClientSocket } from "./ClientSocket.ts";

/** The spec a contracts module returns (its default export is a function of z). */
type SpecOf<C> = C extends (...args: any[]) => infer S ? S : C;
type Types<S> = S extends { "~standard": { types?: infer T } } ? NonNullable<T> : { input: unknown; output: unknown };
/** What a schema accepts and what it gives (zod's z.input / z.output). */
export type SchemaInput<S> = Types<S> extends { input: infer I } ? I : unknown;
export type SchemaOutput<S> = Types<S> extends { output: infer O } ? O : unknown;

/** A channel pattern as a template literal type. */
export type PatternName<P extends string> =
  P extends `${infer A}**${infer B}` ? `${A}${string}${PatternName<B>}`
  : P extends `${infer A}*${infer B}` ? `${A}${string}${PatternName<B>}` : P;

type Channels<C> = SpecOf<C> extends { channels: infer Ch } ? Ch : {};
type Procedures<C> = SpecOf<C> extends { procedures: infer P } ? P : {};
type Receivers<C> = SpecOf<C> extends { receivers: infer R } ? R : {};
type Matching<C, N extends string> = { [P in keyof Channels<C> & string]: N extends PatternName<P> ? Channels<C>[P] : never }[keyof Channels<C> & string];
type OrUnknown<T> = [T] extends [never] ? unknown : T;

export type ChannelOutput<C, N extends string> = OrUnknown<SchemaOutput<Matching<C, N>>>;
export type ChannelInput<C, N extends string> = OrUnknown<SchemaInput<Matching<C, N>>>;
export type ProcedureName<C> = keyof Procedures<C> & string;
export type ProcedureInput<C, N> = N extends keyof Procedures<C> ? Procedures<C>[N] extends { input: infer S } ? SchemaInput<S> : unknown : unknown;
export type ProcedureOutput<C, N> = N extends keyof Procedures<C> ? Procedures<C>[N] extends { output: infer S } ? SchemaOutput<S> : unknown : unknown;
type Undeclared<E extends string, Declared extends string> = E extends Declared ? never : E;

type Retyped = "invoke" | "transmit" | "subscribe" | "channel" | "transmitPublish" | "invokePublish";

/** A ClientSocket typed by a contracts module (`create<typeof contracts>()`); the same object at run time. */
export interface TypedSocket<C> extends Omit<ClientSocket, Retyped> {
  invoke<N extends ProcedureName<C>>(event: N, data: ProcedureInput<C, N>, options?: { ackTimeout?: number }): Promise<ProcedureOutput<C, N>>;
  invoke<T = any, E extends string = string>(event: Undeclared<E, ProcedureName<C>>, data?: unknown, options?: { ackTimeout?: number }): Promise<T>;
  transmit<N extends keyof Receivers<C> & string>(event: N, data: SchemaInput<Receivers<C>[N]>): void;
  transmit<E extends string>(event: Undeclared<E, keyof Receivers<C> & string>, data?: unknown): void;
  subscribe<N extends string>(name: N, options?: SubscribeOptions): Channel<ChannelOutput<C, N>>;
  channel<N extends string>(name: N): Channel<ChannelOutput<C, N>>;
  transmitPublish<N extends string>(channel: N, data: ChannelInput<C, N>): void;
  invokePublish<N extends string>(channel: N, data: ChannelInput<C, N>): Promise<void>;
}

/** `create()` without a type argument gives the plain ClientSocket. */
export type SocketFor<C> = [C] extends [undefined] ? ClientSocket : TypedSocket<C>;
