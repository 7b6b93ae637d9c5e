/** Where each session's claim-sealing key lives, outside the event log; erasing it destroys the sealed claims for good. */
export interface SessionKeys {
  /** The session's key; created on first use when `create` is set; undefined once erased (or never made). */
  keyFor(sessionId: string, create: boolean): Promise<Uint8Array | undefined>;
  erase(sessionId: string): Promise<void>;
  close(): Promise<void>;
}
