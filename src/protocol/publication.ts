/**
 * A publication as data, the unit that travels worker → broker → cluster engine → worker.
 * It is no wire frame: each protocol session (SocketCluster today, Pusher later) encodes
 * it once per worker. The data travels as JSON text, encoded once where it was published
 * (with the codec's rules for binary values), because text crosses a MessagePort and
 * Redis far faster than an object graph and every protocol can splice it into its frame.
 *
 * `offset` and `epoch` are set on channels whose namespace keeps publications (history
 * or latest); the SocketCluster session shows them on the wire only where history is on.
 *
 * @example
 * const pub: Publication = { ch: "chat/1", json: '{"text":"hi"}', offset: 7, epoch: "x9f2" };
 */
export interface Publication {
  ch: string;
  /** The data as JSON text; undefined when the publisher sent no data. */
  json: string | undefined;
  offset?: number;
  epoch?: string;
  /**
   * A client id this publication is not delivered to: a Pusher client event's sender, or
   * the HTTP API's `socket_id`. It travels worker → broker → workers, and to other hosts
   * through the cluster engine (the HTTP request may reach another host than the
   * client's), on kept channels inside the Redis history store's message too.
   */
  skip?: string;
}

/** Where a channel's history stands: the latest offset (0 before the first) and its epoch. */
export interface StreamPosition {
  offset: number;
  epoch: string;
}
