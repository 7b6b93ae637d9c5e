import type { Server } from 'node:http';

/**
 * Shutdown that loses nothing (hardening §6): stop accepting connections, let every request
 * in flight finish and be answered (idle keep-alive connections are closed as they become
 * idle), and only cut what is still open after `graceMs`.
 */
export function closeGracefully(server: Server, graceMs = 10_000): Promise<void> {
  return new Promise((resolve) => {
    const idle = setInterval(() => server.closeIdleConnections(), 25);
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}
