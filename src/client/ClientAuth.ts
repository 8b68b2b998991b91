/**
 * The client's side of authentication: the signed token in storage (sent with every
 * #handshake), its decoded payload, and `authState`, SocketCluster's "last known state"
 * that survives disconnections and changes only through a handshake answer,
 * #setAuthToken, #removeAuthToken, `authenticate()` and `deauthenticate()`.
 * Storage calls run one after another, so a load always sees the writes before it.
 *
 * @example
 * socket.on("authStateChange", ({ newAuthState }) => console.log(newAuthState));
 * const { isAuthenticated } = await socket.authenticate(tokenFromElsewhere);
 */
import { ErrorName } from "../protocol/errorNames.ts";
import { hydrateError } from "../protocol/dehydrate.ts";
import { Reserved } from "../protocol/packets.ts";
import type { AuthStorage } from "./authStorage.ts";
import { decodeTokenPayload } from "./decodeTokenPayload.ts";
import { Listeners } from "./Listeners.ts";

export type AuthState = "authenticated" | "unauthenticated";

/** What `authenticate()` resolves with: a refusal that is not a bad token comes back as `authError`. */
export interface AuthStatus { isAuthenticated: boolean; authError: Error | null }

export abstract class ClientAuth extends Listeners {
  authState: AuthState = "unauthenticated";
  /** The token's payload, decoded without verification. */
  authToken: Record<string, any> | null = null;
  /** The JWT string as it travels on the wire. */
  signedAuthToken: string | null = null;
  #storageQueue: Promise<unknown> = Promise.resolve();

  constructor(private readonly storage: AuthStorage, private readonly tokenName: string) {
    super();
  }

  abstract invoke<T = any>(event: string, data?: unknown, options?: { ackTimeout?: number }): Promise<T>;
  abstract transmit(event: string, data?: unknown): void;
  /** Whether a connection is open or being opened. */
  protected abstract isConnected(): boolean;
  /** Called when the state becomes authenticated (to send #subscribe for waitForAuth channels). */
  protected abstract onAuthenticated(): void;

  /** Send a token obtained elsewhere; it is stored when the server answers, accepted or not. */
  async authenticate(signedAuthToken: string): Promise<AuthStatus> {
    let status: { isAuthenticated?: unknown; authError?: unknown } | undefined;
    try {
      status = await this.invoke(Reserved.authenticate, signedAuthToken);
    } catch (error) {
      // A dropped connection or a timeout says nothing about the token: keep the last known state.
      const name = (error as Error)?.name;
      if (name !== ErrorName.BadConnection && name !== ErrorName.Timeout) this.forgetToken();
      throw error;
    }
    const result: AuthStatus = { isAuthenticated: status?.isAuthenticated === true, authError: hydrateError(status?.authError) as Error | null };
    if (result.isAuthenticated) this.adoptToken(signedAuthToken, false);
    else this.forgetToken();
    await this.#store((storage) => storage.saveToken(this.tokenName, signedAuthToken)).catch((error) => this.emit("error", { error }));
    return result;
  }

  /** Remove the stored token, tell the server (if connected) and become unauthenticated. */
  async deauthenticate(): Promise<void> {
    const removed = this.#unstore();
    if (this.isConnected()) this.transmit(Reserved.removeAuthToken);
    this.forgetToken();
    await removed;
  }

  /** The stored token (null if none or unreadable), after every pending write. */
  protected storedToken(): Promise<string | null> {
    return this.#store((storage) => storage.loadToken(this.tokenName)).then((token) => typeof token === "string" ? token : null, () => null);
  }

  /** Become authenticated with `signed`; store it too when it came from #setAuthToken. */
  protected adoptToken(signed: string, store: boolean): void {
    if (store) this.#store((storage) => storage.saveToken(this.tokenName, signed)).catch((error) => this.emit("error", { error }));
    const oldAuthState = this.authState;
    this.signedAuthToken = signed;
    this.authToken = decodeTokenPayload(signed);
    this.authState = "authenticated";
    if (oldAuthState !== "authenticated") {
      this.onAuthenticated();
      this.emit("authStateChange", { oldAuthState, newAuthState: "authenticated", signedAuthToken: signed, authToken: this.authToken });
    }
    this.emit("authenticate", { signedAuthToken: signed, authToken: this.authToken });
  }

  /** #removeAuthToken from the server: unstore the token and become unauthenticated. */
  protected dropToken(): void {
    void this.#unstore();
    this.forgetToken();
  }

  /** Become unauthenticated; the stored token stays. */
  protected forgetToken(): void {
    const oldSignedAuthToken = this.signedAuthToken;
    const oldAuthToken = this.authToken;
    this.signedAuthToken = null;
    this.authToken = null;
    if (this.authState === "unauthenticated") return;
    this.authState = "unauthenticated";
    this.emit("authStateChange", { oldAuthState: "authenticated", newAuthState: "unauthenticated" });
    this.emit("deauthenticate", { oldSignedAuthToken, oldAuthToken });
  }

  #unstore(): Promise<void> {
    const oldAuthToken = this.signedAuthToken;
    return this.#store((storage) => storage.removeToken(this.tokenName))
      .then(() => this.emit("removeAuthToken", { oldAuthToken }), (error) => this.emit("error", { error }));
  }

  #store<T>(operation: (storage: AuthStorage) => Promise<T>): Promise<T> {
    const result = this.#storageQueue.then(() => operation(this.storage));
    this.#storageQueue = result.catch(() => undefined);
    return result;
  }
}
